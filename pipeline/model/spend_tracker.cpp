#include "pipeline/model/spend_tracker.h"

#include <algorithm>
#include <ctime>

#include <spdlog/spdlog.h>

namespace pipeline {

PromptMix estimate_mix(const media::Normalized& input, int prefix_tokens) {
  // Gemini bills an image of at most 384 px a side as 258 tokens, audio at 32 tokens a second;
  // the media token estimate covers the parts, the prefix is text.
  double image_tokens = 0;
  double audio_tokens = 0;
  double text_tokens = prefix_tokens;
  bool has_audio = false;
  for (const auto& part : input.parts) {
    if (part.type == media::PartType::image) image_tokens += 258;
    if (part.type == media::PartType::text)
      text_tokens += static_cast<double>(part.data.size()) / 4.0;
    has_audio = has_audio || part.type == media::PartType::audio;
  }
  // Audio is what the estimate leaves after the images and the text.
  if (has_audio) {
    audio_tokens =
        std::max(0.0, input.token_estimate - image_tokens - (text_tokens - prefix_tokens));
  }
  const double total = image_tokens + audio_tokens + text_tokens;
  if (total <= 0) return {};
  return PromptMix{audio_tokens / total, image_tokens / total};
}

double cost_usd(const Usage& usage, const PromptMix& mix, const Prices& prices) {
  const double cached = std::clamp(usage.cached_tokens, 0, std::max(0, usage.prompt_tokens));
  const double fresh = std::max(0, usage.prompt_tokens) - cached;
  const double text_share = std::max(0.0, 1.0 - mix.audio_share - mix.image_share);
  const double input =
      fresh * (mix.audio_share * prices.input_audio + mix.image_share * prices.input_image +
               text_share * prices.input_text);
  const double output = std::max(0, usage.completion_tokens) * prices.output;
  return (input + cached * prices.input_cached + output) / 1e6;
}

void SpendTracker::roll() {
  const std::time_t now = std::chrono::system_clock::to_time_t(m_clock.wall_now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
  const std::string today(day);
  const std::string month = today.substr(0, 7);
  if (today != m_day) {
    m_day = today;
    m_today = 0;
    if (m_ledger) m_today = m_ledger->total(today).value_or(0.0);
  }
  if (month != m_month) {
    m_month = month;
    m_month_total = 0;
    if (m_ledger) m_month_total = m_ledger->total(month).value_or(0.0);
  }
}

bool SpendTracker::is_over() {
  std::lock_guard lock(m_mutex);
  roll();
  return (m_caps.daily_usd > 0 && m_today >= m_caps.daily_usd) ||
         (m_caps.monthly_usd > 0 && m_month_total >= m_caps.monthly_usd);
}

void SpendTracker::add(double usd) {
  std::lock_guard lock(m_mutex);
  roll();
  m_today += usd;
  m_month_total += usd;
  if (m_ledger) {
    if (auto ok = m_ledger->add(m_day, usd); !ok)
      spdlog::warn("spend ledger: {}", ok.error().detail);
  }
}

double SpendTracker::spent_today() {
  std::lock_guard lock(m_mutex);
  roll();
  return m_today;
}

double SpendTracker::spent_this_month() {
  std::lock_guard lock(m_mutex);
  roll();
  return m_month_total;
}

}  // namespace pipeline
