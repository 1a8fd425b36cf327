#include "media/pdf_normalizer.h"

#include <sys/stat.h>
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "media/image_ops.h"
#include "media/ocr.h"
#include "media/token_estimate.h"

namespace media {
namespace {

using DocumentHandle = std::unique_ptr<poppler::document>;
using PageHandle = std::unique_ptr<poppler::page>;

// Poppler reports syntax problems through one global callback; it runs on the thread that
// parses, so a thread-local count tells each document's reader what it hit. It also keeps
// poppler from writing to stderr.
thread_local int t_poppler_errors = 0;

void count_error(const std::string&, void*) {
  ++t_poppler_errors;
}

void install_error_counter() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(count_error, nullptr); });
}

std::string utf8(const poppler::ustring& text) {
  const auto bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

bool is_continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

std::uint64_t count_characters(const std::string& text) {
  return static_cast<std::uint64_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

// Cuts after `limit` characters, never inside a UTF-8 sequence.
std::string cap_characters(const std::string& text, int limit) {
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) continue;
    if (seen++ == static_cast<std::uint64_t>(limit)) return text.substr(0, i);
  }
  return text;
}

bool has_visible_text(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return !(c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f');
  });
}

Result<cv::Mat> render_first_page(poppler::document& document, int max_side) {
  PageHandle page(document.create_page(0));
  if (!page) return fail(ErrorCode::corrupt, "the first page cannot be read");
  const poppler::rectf box = page->page_rect();
  const double longest = std::max(box.width(), box.height());
  if (!(longest > 0)) return fail(ErrorCode::corrupt, "the first page has no size");
  const double dpi = std::clamp(max_side * 72.0 / longest, 1.0, 300.0);
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_bgr24);
  const poppler::image image = renderer.render_page(page.get(), dpi, dpi);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
    return fail(ErrorCode::corrupt, "the first page cannot be rendered");
  }
  const cv::Mat view(image.height(), image.width(), CV_8UC3, const_cast<char*>(image.const_data()),
                     static_cast<std::size_t>(image.bytes_per_row()));
  return fit_longest_side(view, max_side).clone();
}

Result<Normalized> read_document(const std::string& path, const Limits& limits) {
  install_error_counter();
  t_poppler_errors = 0;
  DocumentHandle document(poppler::document::load_from_file(path));
  if (!document) return fail(ErrorCode::corrupt, "poppler cannot open this PDF");

  Normalized out;
  out.kind = Kind::pdf;
  out.facts.format = "pdf";
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) out.facts.bytes = static_cast<std::uint64_t>(info.st_size);
  out.facts.encrypted = document->is_encrypted();
  if (document->is_locked()) {
    return fail(ErrorCode::encrypted,
                "the PDF is password-protected (" + std::to_string(info.st_size) + " bytes)");
  }
  const int pages = document->pages();
  if (pages <= 0) return fail(ErrorCode::corrupt, "the PDF reports no pages");
  if (pages > limits.pdf_max_pages) {
    return fail(ErrorCode::too_large, std::to_string(pages) + " pages is over the limit of " +
                                          std::to_string(limits.pdf_max_pages));
  }
  out.facts.pages = pages;
  out.facts.title = utf8(document->get_title());
  out.facts.author = utf8(document->get_author());
  out.facts.producer = utf8(document->get_producer());

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.decode_timeout_ms);
  std::string text;
  const int text_pages = std::min(pages, std::max(0, limits.pdf_text_pages));
  for (int i = 0; i < text_pages; ++i) {
    if (std::chrono::steady_clock::now() > deadline) {
      return fail(ErrorCode::timeout, "text extraction timed out");
    }
    PageHandle page(document->create_page(i));
    if (!page) continue;
    if (!text.empty()) text += "\n\f\n";
    text += utf8(page->text());
    // Characters beyond the budget are never sent; stop reading once well past it.
    if (count_characters(text) > 2ull * static_cast<std::uint64_t>(limits.pdf_text_chars) + 1000)
      break;
  }
  if (!has_visible_text(text)) text.clear();
  out.facts.text_chars = count_characters(text);
  const std::string sent = cap_characters(text, limits.pdf_text_chars);
  if (!sent.empty()) {
    out.parts.push_back(
        Part{PartType::text, "text/plain", sent, "text of pages 1-" + std::to_string(text_pages)});
    out.token_estimate += text_tokens(count_characters(sent));
  }

  if (*out.facts.text_chars < static_cast<std::uint64_t>(limits.pdf_min_text_chars)) {
    // A scan is read by OCR at a size its letters survive, then shrunk for sending.
    const int render_side =
        limits.ocr_ms > 0 ? std::max(limits.image_max_side, k_ocr_max_side) : limits.image_max_side;
    auto rendered = render_first_page(*document, render_side);
    if (rendered) {
      add_ocr_text(*rendered, limits, out.facts);
      *rendered = fit_longest_side(*rendered, limits.image_max_side);
      auto jpeg = encode_jpeg(*rendered, limits.jpeg_quality);
      if (!jpeg) return tl::unexpected(jpeg.error());
      out.parts.push_back(
          Part{PartType::image, "image/jpeg", std::move(*jpeg),
               "page 1, " + std::to_string(rendered->cols) + "x" + std::to_string(rendered->rows)});
      out.token_estimate += image_tokens(rendered->cols, rendered->rows);
    } else if (out.parts.empty()) {
      return tl::unexpected(rendered.error());
    }
  }
  out.facts.damaged = t_poppler_errors > 0;
  if (out.parts.empty()) return fail(ErrorCode::corrupt, "the PDF yields neither text nor a page");

  // Sending the original: every page billed as an image plus its text.
  const std::uint64_t per_page_text =
      text_pages > 0 ? *out.facts.text_chars / static_cast<std::uint64_t>(text_pages) : 0;
  const long long naive =
      static_cast<long long>(pages) * (k_tokens_per_image_tile + text_tokens(per_page_text));
  out.naive_tokens = static_cast<int>(std::min<long long>(naive, 1'000'000'000));
  return out;
}

}  // namespace

Result<Normalized> normalize_pdf(const std::string& path, const Limits& limits) {
  try {
    return read_document(path, limits);
  } catch (const std::exception& e) {
    return fail(ErrorCode::corrupt, std::string("poppler: ") + e.what());
  }
}

}  // namespace media
