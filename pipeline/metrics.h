#pragma once
// An in-process metrics registry: counters, gauges and histograms with labels, rendered in
// the Prometheus text exposition format. Thread-safe; every part of the pipeline may record
// into it, and the daemon serves it over HTTP.

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipeline {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { counter, gauge, histogram };

class Metrics {
 public:
  Metrics();

  void describe(const std::string& name, MetricType type, const std::string& help);
  void add(const std::string& name, const Labels& labels = {}, double value = 1);
  void set(const std::string& name, const Labels& labels, double value);
  // Moves a gauge up or down (in-flight counts).
  void adjust(const std::string& name, const Labels& labels, double delta);
  // Histograms are durations in seconds (Prometheus' base unit, names ending in _seconds): the
  // buckets run from 1 ms to 60 s.
  void observe(const std::string& name, const Labels& labels, double value);

  double value(const std::string& name, const Labels& labels = {}) const;
  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> buckets;  // cumulative counts per upper bound
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    MetricType type = MetricType::counter;
    std::string help;
    std::map<std::string, double> values;         // rendered labels -> value
    std::map<std::string, Histogram> histograms;  // rendered labels -> histogram
  };
  Family& family(const std::string& name, MetricType type);

  mutable std::mutex m_mutex;
  std::map<std::string, Family> m_families;
  std::vector<double> m_bounds;
};

// `{a="1",b="x"}` with values escaped as the text format requires; "" for no labels.
std::string render_labels(const Labels& labels);

}  // namespace pipeline
