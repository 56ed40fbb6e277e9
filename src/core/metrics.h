#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

// Prometheus metrics: counters, histograms and gauges read on demand, rendered in the text format.
// A Registry owns its metrics; references it hands out stay valid for its lifetime. All methods are
// thread-safe; incrementing a metric is lock-free once it has been looked up.
namespace kirim::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  [[nodiscard]] std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  [[nodiscard]] double sum() const;
  [[nodiscard]] const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative count of observations <= bounds()[i].
  [[nodiscard]] std::uint64_t cumulative(std::size_t i) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};  // sum in millionths, to stay lock-free
};

// Latency buckets in seconds, from 100 us to 10 s.
[[nodiscard]] std::vector<double> latency_buckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                       const std::vector<double>& bounds);
  // A gauge whose samples are read when /metrics is rendered.
  using GaugeFn = std::function<std::vector<std::pair<Labels, double>>()>;
  void gauge(const std::string& name, const std::string& help, GaugeFn fn);
  // A counter kept elsewhere (an atomic of another module), read when /metrics is rendered.
  void counter_fn(const std::string& name, const std::string& help, GaugeFn fn);

  [[nodiscard]] std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered label set
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    GaugeFn gauge;
  };
  Family& family(const std::string& name, const std::string& help, const char* type);

  mutable std::shared_mutex mu_;
  std::map<std::string, Family> families_;  // guarded by mu_
};

// {a="x",b="y"} with values escaped; empty for no labels.
[[nodiscard]] std::string render_labels(const Labels& labels);

}  // namespace kirim::metrics
