// The HTML report of evaluation runs: one page, inline CSS and SVG, no script and no
// network, so it opens the same from a CI artifact, a mail attachment or a headless browser.
#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "pipeline/display_text.h"
#include "pipeline/eval/evaluation_report.h"

namespace pipeline {
namespace {

constexpr const char* k_style = R"css(
body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:1250px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 8px;border:1px solid #ddd;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}.bad{color:#b71c1c}.good{color:#1b5e20}
svg text{font:11px sans-serif;fill:#333}.charts{display:flex;flex-wrap:wrap;gap:24px}
)css";

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string percent(double value) {
  return fmt::format("{:.1f}%", value * 100);
}

std::string confusion_svg(const EvalMetrics& m) {
  const int cell = 34, left = 140, top = 110;
  const int n = static_cast<int>(m.labels.size());
  std::string svg =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}">)",
                  left + n * cell + 10, top + n * cell + 30);
  for (int j = 0; j < n; ++j) {
    svg += fmt::format(R"svg(<text transform="translate({},{}) rotate(-50)">{}</text>)svg",
                       left + j * cell + cell / 2, top - 6,
                       escape(m.labels[static_cast<std::size_t>(j)]));
  }
  for (int i = 0; i < n; ++i) {
    const auto& row = m.confusion[static_cast<std::size_t>(i)];
    int total = 0;
    for (const int count : row) total += count;
    svg +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", left - 6,
                    top + i * cell + cell / 2 + 4, escape(m.labels[static_cast<std::size_t>(i)]));
    for (int j = 0; j < n; ++j) {
      const int count = row[static_cast<std::size_t>(j)];
      const double share = total ? static_cast<double>(count) / total : 0;
      const char* colour = i == j ? "46,125,50" : "198,40,40";
      svg += fmt::format(
          R"svg(<rect x="{}" y="{}" width="{}" height="{}" fill="rgba({},{:.2f})" stroke="#ccc"/>)svg",
          left + j * cell, top + i * cell, cell, cell, colour, count ? 0.15 + 0.85 * share : 0.0);
      if (count) {
        svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" style="fill:{}">{}</text>)",
                           left + j * cell + cell / 2, top + i * cell + cell / 2 + 4,
                           share > 0.5 ? "#fff" : "#222", count);
      }
    }
  }
  svg += fmt::format(R"(<text x="{}" y="{}">rows: expected, columns: decided</text>)", left,
                     top + n * cell + 20);
  return svg + "</svg>";
}

// Per-file latency, sorted, each bar stacked normalize (blue) under decide (orange), with
// the p50 and p95 of the total as dashed lines.
std::string latency_svg(const std::vector<EvalItem>& items) {
  const int width = 520, height = 220, left = 50, bottom = 30;
  std::vector<std::pair<double, double>> bars;
  bars.reserve(items.size());
  for (const auto& item : items) bars.emplace_back(item.normalize_ms, item.decide_ms);
  std::sort(bars.begin(), bars.end(),
            [](const auto& a, const auto& b) { return a.first + a.second < b.first + b.second; });
  double top_ms = 1;
  for (const auto& [n, d] : bars) top_ms = std::max(top_ms, n + d);
  const double plot_h = height - bottom - 10;
  const double bar_w =
      bars.empty() ? 1 : static_cast<double>(width - left - 10) / static_cast<double>(bars.size());
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}">)", width, height);
  svg += fmt::format(R"(<line x1="{0}" y1="10" x2="{0}" y2="{1}" stroke="#999"/>)", left,
                     height - bottom);
  svg += fmt::format(R"(<text x="{}" y="14" text-anchor="end">{:.0f} ms</text>)", left - 4, top_ms);
  svg +=
      fmt::format(R"(<text x="{}" y="{}" text-anchor="end">0</text>)", left - 4, height - bottom);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double x = left + 1 + static_cast<double>(i) * bar_w;
    const double hn = bars[i].first / top_ms * plot_h;
    const double hd = bars[i].second / top_ms * plot_h;
    const double base = height - bottom;
    svg += fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#1e88e5"/>)", x,
        base - hn, std::max(bar_w - 1, 0.5), hn);
    svg += fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#fb8c00"/>)", x,
        base - hn - hd, std::max(bar_w - 1, 0.5), hd);
  }
  std::vector<double> totals;
  totals.reserve(bars.size());
  for (const auto& [n, d] : bars) totals.push_back(n + d);
  for (const auto& [name, p] : {std::pair{"p50", 50.0}, std::pair{"p95", 95.0}}) {
    const double y = height - bottom - percentile(totals, p) / top_ms * plot_h;
    svg += fmt::format(
        R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#c62828" stroke-dasharray="4 3"/>)",
        left, y, width - 10, y);
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end">{} {:.1f}</text>)", width - 12,
                       y - 3, name, percentile(totals, p));
  }
  svg += fmt::format(
      R"(<rect x="{}" y="{}" width="10" height="10" fill="#1e88e5"/><text x="{}" y="{}">normalize</text>)",
      left, height - 16, left + 14, height - 7);
  svg += fmt::format(
      R"(<rect x="{}" y="{}" width="10" height="10" fill="#fb8c00"/><text x="{}" y="{}">decide</text>)",
      left + 90, height - 16, left + 104, height - 7);
  svg += fmt::format(R"(<text x="{}" y="{}">files, fastest to slowest</text>)", left + 170,
                     height - 7);
  return svg + "</svg>";
}

// Per expected category: mean estimated input tokens and mean billed tokens per file, and
// the share decided right, so a budget's price and its payoff sit side by side.
std::string cost_svg(const EvalRun& run) {
  struct Sums {
    double estimated = 0, billed = 0, cost = 0;
    int files = 0, correct = 0;
  };
  std::map<std::string, Sums> by_category;
  for (const auto& item : run.items) {
    auto& s = by_category[item.expected_category];
    s.estimated += item.token_estimate;
    s.billed += item.usage.prompt_tokens + item.usage.completion_tokens;
    s.cost += item.usage.cost_usd;
    ++s.files;
    if (item.is_correct()) ++s.correct;
  }
  double top = 1;
  for (const auto& [name, s] : by_category)
    top = std::max({top, s.estimated / s.files, s.billed / s.files});
  const int row_h = 26, left = 130, plot_w = 240;
  const int height = static_cast<int>(by_category.size()) * row_h + 50;
  std::string svg =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="660" height="{}">)", height);
  int y = 10;
  for (const auto& [name, s] : by_category) {
    const double estimated = s.estimated / s.files, billed = s.billed / s.files;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", left - 6, y + 15,
                       escape(name));
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{:.1f}" height="9" fill="#90a4ae"/>)", left,
                       y + 3, estimated / top * plot_w);
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{:.1f}" height="9" fill="#6a1b9a"/>)", left,
                       y + 13, billed / top * plot_w);
    svg += fmt::format(
        R"(<text x="{}" y="{}">{:.0f} est / {:.0f} billed, ${:.5f}, {}/{} right</text>)",
        left + plot_w + 6, y + 15, estimated, billed, s.cost / s.files, s.correct, s.files);
    y += row_h;
  }
  svg += fmt::format(
      R"(<rect x="{}" y="{}" width="10" height="10" fill="#90a4ae"/><text x="{}" y="{}">estimated input tokens per file</text>)",
      left, y + 8, left + 14, y + 17);
  svg += fmt::format(
      R"(<rect x="{}" y="{}" width="10" height="10" fill="#6a1b9a"/><text x="{}" y="{}">billed tokens per file</text>)",
      left, y + 24, left + 14, y + 33);
  return svg + "</svg>";
}

// Accuracy against tokens per file, one point per configuration.
std::string compare_svg(const std::vector<EvalRun>& runs) {
  const int width = 520, height = 260, left = 50, bottom = 40;
  double top_tokens = 1;
  const auto tokens = [](const EvalMetrics& m) {
    return m.tokens_per_file > 0
               ? m.tokens_per_file
               : (m.files ? static_cast<double>(m.estimated_tokens) / m.files : 0);
  };
  for (const auto& run : runs) top_tokens = std::max(top_tokens, tokens(run.metrics) * 1.15);
  const double plot_w = width - left - 20, plot_h = height - bottom - 10;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}">)", width, height);
  svg += fmt::format(R"(<rect x="{}" y="10" width="{}" height="{}" fill="none" stroke="#999"/>)",
                     left, plot_w, plot_h);
  svg += fmt::format(
      R"(<text x="{}" y="16" text-anchor="end">100%</text><text x="{}" y="{}" text-anchor="end">0%</text>)",
      left - 4, left - 4, height - bottom);
  svg += fmt::format(R"(<text x="{}" y="{}">tokens per file (0 to {:.0f})</text>)", left,
                     height - 14, top_tokens);
  const std::array<const char*, 4> colours{"#6a1b9a", "#ef6c00", "#00838f", "#558b2f"};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& m = runs[i].metrics;
    const double x = left + tokens(m) / top_tokens * plot_w;
    const double y = 10 + (1 - m.accuracy) * plot_h;
    const char* colour = colours[i % colours.size()];
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="6" fill="{}" fill-opacity="0.8"/>)", x,
                       y, colour);
    // Labels stack in a legend, so points that coincide stay readable.
    svg += fmt::format(
        R"(<circle cx="{}" cy="{}" r="5" fill="{}"/><text x="{}" y="{}">{}: {} at {:.0f} tokens/file</text>)",
        left + 10, 26 + 16 * static_cast<int>(i), colour, left + 20, 30 + 16 * static_cast<int>(i),
        escape(runs[i].name), percent(m.accuracy), tokens(m));
  }
  return svg + "</svg>";
}

std::string summary_table(const std::vector<EvalRun>& runs) {
  std::string html = "<table><tr><th class=l></th>";
  for (const auto& run : runs) html += "<th>" + escape(run.name) + "</th>";
  html += "</tr>";
  const auto row = [&](const std::string& name, auto value) {
    html += "<tr><td class=l>" + name + "</td>";
    for (const auto& run : runs) html += "<td>" + value(run.metrics) + "</td>";
    html += "</tr>";
  };
  row("files (failed)",
      [](const EvalMetrics& m) { return fmt::format("{} ({})", m.files, m.failed); });
  row("accuracy", [](const EvalMetrics& m) {
    return fmt::format("{} ({}/{})", percent(m.accuracy), m.correct, m.files);
  });
  row("route accuracy", [](const EvalMetrics& m) { return percent(m.route_accuracy); });
  row("escalation rate", [](const EvalMetrics& m) { return percent(m.escalation_rate); });
  row("abstention quality", [](const EvalMetrics& m) {
    return m.escalated ? fmt::format("{} ({}/{})", percent(m.abstention_quality),
                                     m.escalated_first_wrong, m.escalated)
                       : std::string("n/a");
  });
  row("normalize p50 / p95 ms", [](const EvalMetrics& m) {
    return fmt::format("{:.1f} / {:.1f}", m.normalize_ms.p50, m.normalize_ms.p95);
  });
  row("decide p50 / p95 ms", [](const EvalMetrics& m) {
    return fmt::format("{:.1f} / {:.1f}", m.decide_ms.p50, m.decide_ms.p95);
  });
  row("tokens per file",
      [](const EvalMetrics& m) { return fmt::format("{:.1f}", m.tokens_per_file); });
  row("cost per file",
      [](const EvalMetrics& m) { return fmt::format("${:.6f}", m.cost_per_file); });
  row("cost per success", [](const EvalMetrics& m) {
    return m.correct ? fmt::format("${:.6f}", m.cost_per_success) : std::string("n/a");
  });
  return html + "</table>";
}

std::string categories_table(const EvalMetrics& m) {
  std::string html =
      "<table><tr><th "
      "class=l>category</th><th>support</th><th>decided</th><th>precision</th><th>recall</th></tr>";
  for (const auto& c : m.categories) {
    html += fmt::format("<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(c.category), c.support, c.predicted,
                        c.predicted ? percent(c.precision) : "n/a",
                        c.support ? percent(c.recall) : "n/a");
  }
  return html + "</table>";
}

std::string files_table(const std::vector<EvalItem>& items) {
  std::string html =
      "<details><summary>every file</summary><table><tr><th class=l>file</th><th "
      "class=l>expected</th>"
      "<th class=l>decided</th><th>confidence</th><th class=l>outcome</th><th>normalize ms</th>"
      "<th>decide ms</th><th>tokens</th><th>cost</th></tr>";
  for (const auto& item : items) {
    html += fmt::format(
        "<tr><td class=l>{}</td><td class=l>{}</td><td class='l {}'>{}</td><td>{:.2f}</td><td "
        "class=l>{}</td>"
        "<td>{:.1f}</td><td>{:.1f}</td><td>{}</td><td>${:.6f}</td></tr>",
        escape(item.file), escape(item.expected_category), item.is_correct() ? "good" : "bad",
        escape(item.category.empty() ? item.error : item.category), item.confidence,
        escape(std::string(to_string(item.outcome))), item.normalize_ms, item.decide_ms,
        item.usage.prompt_tokens + item.usage.completion_tokens, item.usage.cost_usd);
  }
  return html + "</table></details>";
}

}  // namespace

std::string render_html(const std::vector<EvalRun>& runs) {
  std::string html =
      "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>siftd "
      "evaluation</title><style>";
  html += k_style;
  html += "</style></head><body><h1>siftd evaluation</h1><p>siftd " SIFTD_VERSION ", " +
          (runs.empty() ? std::string() : utc_time(runs.front().started_ms)) + "</p>";
  html += summary_table(runs);
  if (runs.size() > 1) html += "<h2>Accuracy against tokens</h2>" + compare_svg(runs);
  for (const auto& run : runs) {
    html += "<h2>" + escape(run.name) + "</h2><p>" + escape(run.configuration) +
            "</p><div class=charts><div><h3>Confusion matrix</h3>" + confusion_svg(run.metrics) +
            "</div><div><h3>Per category</h3>" + categories_table(run.metrics) +
            "</div></div><div class=charts><div><h3>Latency per file</h3>" +
            latency_svg(run.items) + "</div><div><h3>Tokens and cost per category</h3>" +
            cost_svg(run) + "</div></div>" + files_table(run.items);
  }
  return html + "</body></html>\n";
}

}  // namespace pipeline
