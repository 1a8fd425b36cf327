#include "pipeline/metrics.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace pipeline {
namespace {

std::string escape(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::ostringstream text;
  text.precision(15);
  text << value;
  return text.str();
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

// Adds one label inside an already rendered label set: {a="1"} + le -> {a="1",le="5"}.
std::string with_label(const std::string& rendered, const std::string& name,
                       const std::string& value) {
  const std::string label = name + "=\"" + value + "\"";
  if (rendered.empty()) return "{" + label + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + label + "}";
}

}  // namespace

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::string out = "{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) out += ",";
    out += sorted[i].first + "=\"" + escape(sorted[i].second) + "\"";
  }
  return out + "}";
}

Metrics::Metrics()
    : m_bounds{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60} {}

Metrics::Family& Metrics::family(const std::string& name, MetricType type) {
  auto [it, inserted] = m_families.try_emplace(name);
  if (inserted) it->second.type = type;
  return it->second;
}

void Metrics::describe(const std::string& name, MetricType type, const std::string& help) {
  std::lock_guard lock(m_mutex);
  Family& f = family(name, type);
  f.type = type;
  f.help = help;
}

void Metrics::add(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  family(name, MetricType::counter).values[render_labels(labels)] += value;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  family(name, MetricType::gauge).values[render_labels(labels)] = value;
}

void Metrics::adjust(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard lock(m_mutex);
  family(name, MetricType::gauge).values[render_labels(labels)] += delta;
}

void Metrics::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  Histogram& h = family(name, MetricType::histogram).histograms[render_labels(labels)];
  if (h.buckets.empty()) h.buckets.assign(m_bounds.size(), 0);
  for (std::size_t i = 0; i < m_bounds.size(); ++i) {
    if (value <= m_bounds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += value;
}

double Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(m_mutex);
  const auto f = m_families.find(name);
  if (f == m_families.end()) return 0;
  const auto v = f->second.values.find(render_labels(labels));
  return v == f->second.values.end() ? 0 : v->second;
}

std::string Metrics::render() const {
  std::lock_guard lock(m_mutex);
  std::string out;
  for (const auto& [name, f] : m_families) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + std::string(type_name(f.type)) + "\n";
    for (const auto& [labels, value] : f.values) out += name + labels + " " + number(value) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      for (std::size_t i = 0; i < m_bounds.size(); ++i) {
        out += name + "_bucket" + with_label(labels, "le", number(m_bounds[i])) + " " +
               std::to_string(h.buckets[i]) + "\n";
      }
      out += name + "_bucket" + with_label(labels, "le", "+Inf") + " " + std::to_string(h.count) +
             "\n";
      out += name + "_sum" + labels + " " + number(h.sum) + "\n";
      out += name + "_count" + labels + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

}  // namespace pipeline
