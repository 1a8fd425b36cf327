#include "pipeline/decide/taxonomy.h"

#include <set>

namespace pipeline {

const Category* Taxonomy::find(const std::string& name) const {
  for (const auto& category : categories) {
    if (category.name == name) return &category;
  }
  return nullptr;
}

std::vector<Field> Taxonomy::all_fields() const {
  std::vector<Field> fields;
  std::set<std::string> seen;
  for (const auto& category : categories) {
    for (const auto& field : category.fields) {
      if (seen.insert(field.name).second) fields.push_back(field);
    }
  }
  return fields;
}

bool is_valid_category_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '_' || name.front() == '-') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Taxonomy default_taxonomy() {
  const Field amount{"total_amount", FieldType::number, "the total to pay, as a number"};
  const Field currency{"currency", FieldType::string, "ISO 4217 code of the total"};
  const Field vendor{"vendor", FieldType::string, "who issued the document"};
  const Field date{"document_date", FieldType::string, "the document's date, YYYY-MM-DD"};
  const Field error_text{"error_message", FieldType::string, "the error text shown, verbatim"};
  const Field language{"language", FieldType::string, "main spoken or written language"};
  return Taxonomy{{
      {"invoice",
       "a bill asking for payment: invoice number, line items, total due",
       {"supplier invoice PDF", "utility bill"},
       {vendor, amount, currency, date}},
      {"receipt",
       "proof of a payment already made: till or card receipt",
       {"shop till receipt photo"},
       {vendor, amount, currency, date}},
      {"document",
       "any other text document, letter, form or scanned page",
       {"contract", "scanned letter"},
       {date, language}},
      {"screenshot_error",
       "a screenshot showing an error dialog or message",
       {"application crash dialog"},
       {error_text}},
      {"screenshot", "a screenshot of a screen with no error on it", {"desktop", "web page"}, {}},
      {"photo", "a photograph of a scene, person or object", {"holiday photo"}, {}},
      {"audio_note", "spoken audio: a voice note, dictation or call", {"voice memo"}, {language}},
      {"music", "music, noise or sound without speech", {"song", "ambient noise"}, {}},
      {"video", "a video clip", {"phone video", "screen recording"}, {}},
      {"other", "anything that fits no other category", {}, {}},
  }};
}

}  // namespace pipeline
