// Times siftd's in-process normalization against the tools people use for the same job, on the
// workload bench/run-media-bench.sh generates, in the same run: per-file time, output size and
// prompt tokens for each tool, then a summary with siftd's ratio to each peer.
// Usage: media_bench <work-dir>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/normalizer.h"
#include "media/token_estimate.h"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Every timing is the best of this many runs: the bench machine is shared, and the minimum is
// the figure least disturbed by other load.
int repeats() {
  const char* text = std::getenv("SIFTD_BENCH_REPEATS");
  return text ? std::max(1, std::atoi(text)) : 3;
}

// Runs `once` repeats() times and keeps the fastest sample.
template <typename F>
auto best_of(F once) {
  auto best = once();
  for (int i = 1; i < repeats(); ++i) {
    auto next = once();
    if (next.seconds < best.seconds) best = next;
  }
  return best;
}

struct Sample {
  double seconds = 0;
  std::uint64_t bytes = 0;
  long long tokens = 0;
};

struct Totals {
  std::map<std::string, Sample> by_tool;  // summed over the category's files
  std::vector<std::string> order;
  std::map<std::string, double> siftd_by_file;
  std::map<std::string, double> siftd_on_same_files;  // per tool: siftd's time on its files
  int files = 0;
};

constexpr const char* k_all_files = "(all files)";

std::string quote(const fs::path& path) {
  return "'" + path.string() + "'";
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double run(const std::string& command) {
  const auto start = Clock::now();
  const int rc = std::system((command + " >/dev/null 2>&1").c_str());
  const double seconds = seconds_since(start);
  if (rc != 0) std::cerr << "command failed (" << rc << "): " << command << "\n";
  return seconds;
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void fresh(const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
}

// Output bytes and image tokens of every file a peer wrote into `dir`.
Sample measure_outputs(const fs::path& dir) {
  Sample sample;
  for (const auto& file : files_in(dir)) {
    sample.bytes += fs::file_size(file);
    const auto extension = file.extension().string();
    if (extension == ".jpg" || extension == ".png") {
      const cv::Mat image = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
      sample.tokens += media::image_tokens(image.cols, image.rows);
    } else if (extension == ".txt") {
      sample.tokens += media::text_tokens(fs::file_size(file));
    } else if (extension == ".wav") {
      // 16 kHz mono 16-bit after a 44-byte header.
      sample.tokens +=
          media::audio_tokens((static_cast<double>(fs::file_size(file)) - 44) / 32'000);
    }
  }
  return sample;
}

void record(Totals& totals, const std::string& tool, const std::string& file,
            const Sample& sample) {
  std::printf("  %-22s %-24s %8.1f ms %10llu B %8lld tok\n", tool.c_str(), file.c_str(),
              sample.seconds * 1000, static_cast<unsigned long long>(sample.bytes), sample.tokens);
  if (!totals.by_tool.count(tool)) totals.order.push_back(tool);
  if (tool == "siftd") {
    totals.siftd_by_file[file] = sample.seconds;
  } else if (file == k_all_files) {
    totals.siftd_on_same_files[tool] = totals.by_tool["siftd"].seconds;
  } else {
    totals.siftd_on_same_files[tool] += totals.siftd_by_file[file];
  }
  Sample& sum = totals.by_tool[tool];
  sum.seconds += sample.seconds;
  sum.bytes += sample.bytes;
  sum.tokens += sample.tokens;
}

Sample time_siftd_once(const fs::path& file, const media::Limits& limits, long long* naive) {
  const auto start = Clock::now();
  auto out = media::normalize_file(file.string(), limits);
  Sample sample;
  sample.seconds = seconds_since(start);
  if (!out) {
    std::cerr << "siftd failed on " << file << ": " << out.error().detail << "\n";
    return sample;
  }
  for (const auto& part : out->parts) sample.bytes += part.data.size();
  sample.tokens = out->token_estimate;
  if (naive) *naive = out->naive_tokens;
  return sample;
}

Sample time_siftd(const fs::path& file, const media::Limits& limits, long long* naive = nullptr) {
  long long file_naive = 0;
  const Sample best = best_of([&] { return time_siftd_once(file, limits, &file_naive); });
  if (naive) *naive += file_naive;
  return best;
}

// Throughput as the daemon gets it: `threads` workers over all files, wall time.
Sample time_siftd_threads(const std::vector<fs::path>& files, const media::Limits& limits,
                          int threads) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<long long> tokens{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      for (std::size_t at = next++; at < files.size(); at = next++) {
        const Sample one = time_siftd_once(files[at], limits, nullptr);
        bytes += one.bytes;
        tokens += one.tokens;
      }
    });
  }
  for (auto& thread : pool) thread.join();
  return Sample{seconds_since(start), bytes.load(), tokens.load()};
}

// A peer run once per file: `command(file, out_dir)` builds the shell command.
Sample time_peer(const fs::path& file, const fs::path& out,
                 const std::function<std::string(const fs::path&, const fs::path&)>& command) {
  return best_of([&] {
    fresh(out);
    const double seconds = run(command(file, out));
    Sample sample = measure_outputs(out);
    sample.seconds = seconds;
    return sample;
  });
}

void summarize(const std::string& category, const Totals& totals, long long naive) {
  std::printf("\n%s: %d files, naive (original as-is) %lld tokens\n", category.c_str(),
              totals.files, naive);
  std::printf("  %-22s %10s %10s %12s %10s %14s\n", "tool", "total s", "ms/file", "output B",
              "tokens", "siftd / tool");
  for (const auto& tool : totals.order) {
    const Sample& sum = totals.by_tool.at(tool);
    std::printf("  %-22s %10.2f %10.1f %12llu %10lld %13.2fx\n", tool.c_str(), sum.seconds,
                sum.seconds * 1000 / std::max(1, totals.files),
                static_cast<unsigned long long>(sum.bytes), sum.tokens,
                sum.seconds > 0
                    ? (tool == "siftd" ? 1.0 : totals.siftd_on_same_files.at(tool) / sum.seconds)
                    : 0.0);
  }
  std::printf("\n");
}

// Times siftd on every file of `dir`, each followed by the peers `time_peers` runs on it.
Totals run_category(
    const std::vector<fs::path>& files, const media::Limits& limits, long long& naive,
    const std::function<void(Totals&, const fs::path&, const std::string&)>& time_peers) {
  Totals totals;
  totals.files = static_cast<int>(files.size());
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    record(totals, "siftd", name, time_siftd(file, limits, &naive));
    time_peers(totals, file, name);
  }
  return totals;
}

void bench_images(const std::string& category, const fs::path& dir, const fs::path& out,
                  bool with_djpeg, bool with_opencv_loop) {
  std::printf("== %s\n", category.c_str());
  long long naive = 0;
  const media::Limits limits;
  const auto files = files_in(dir);
  Totals totals = run_category(
      files, limits, naive, [&](Totals& sums, const fs::path& file, const std::string& name) {
        if (with_opencv_loop) {
          const auto start = Clock::now();
          const cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
          const double scale = 384.0 / std::max(image.cols, image.rows);
          cv::Mat small;
          cv::resize(image, small, cv::Size(), scale, scale, cv::INTER_AREA);
          std::vector<unsigned char> jpeg;
          cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 80});
          Sample sample{seconds_since(start), jpeg.size(),
                        media::image_tokens(small.cols, small.rows)};
          record(sums, "opencv loop", name, sample);
        }
        record(sums, "convert -resize", name,
               time_peer(file, out / "convert", [](auto& in, auto& o) {
                 return "convert " + quote(in) + " -resize 384x384 -quality 80 " +
                        quote(o / "out.jpg");
               }));
        if (with_djpeg) {
          record(sums, "djpeg 1/4 + cjpeg", name,
                 time_peer(file, out / "djpeg", [](auto& in, auto& o) {
                   return "djpeg -scale 1/4 " + quote(in) + " | cjpeg -quality 80 -outfile " +
                          quote(o / "out.jpg");
                 }));
        }
      });
  // vipsthumbnail is run as people run it on a folder: every file in one process.
  std::string command = "vipsthumbnail -s 384 -o " + quote(out / "vips" / "%s.jpg[Q=80]");
  for (const auto& file : files) command += " " + quote(file);
  const Sample vips = best_of([&] {
    fresh(out / "vips");
    Sample sample;
    sample.seconds = run(command);
    const Sample outputs = measure_outputs(out / "vips");
    sample.bytes = outputs.bytes;
    sample.tokens = outputs.tokens;
    return sample;
  });
  record(totals, "vipsthumbnail (1 proc)", k_all_files, vips);
  record(totals, "siftd, 2 threads", k_all_files,
         best_of([&] { return time_siftd_threads(files, limits, 2); }));
  summarize(category, totals, naive);
}

void bench_videos(const fs::path& dir, const fs::path& out) {
  std::printf("== videos\n");
  std::map<std::string, std::pair<Totals, long long>> by_interval;  // g30 / g240
  const media::Limits limits;
  for (const auto& file : files_in(dir)) {
    const std::string name = file.filename().string();
    const std::string interval =
        name.find("_g30") != std::string::npos ? "keyframe every 1 s" : "keyframe every 8 s";
    auto& [totals, naive] = by_interval[interval];
    ++totals.files;
    record(totals, "siftd", name, time_siftd(file, limits, &naive));
    record(totals, "ffmpeg -skip_frame nokey", name,
           time_peer(file, out / "nokey", [](auto& in, auto& o) {
             return "ffmpeg -v error -nostdin -threads 1 -skip_frame nokey -i " + quote(in) +
                    " -an -vf scale=384:-2 -fps_mode vfr " + quote(o / "kf_%03d.jpg");
           }));
    // Six seeks, one process each, at the same points siftd samples.
    const auto info = media::normalize_file(file.string(), limits);
    const double duration = info && info->facts.duration_s ? *info->facts.duration_s : 60;
    record(totals, "ffmpeg -ss x6", name, time_peer(file, out / "seek", [&](auto& in, auto& o) {
             std::string command;
             for (int i = 0; i < limits.video_frames; ++i) {
               const double at = duration * (i + 0.5) / limits.video_frames;
               if (i) command += " && ";
               command += "ffmpeg -v error -nostdin -threads 1 -ss " + std::to_string(at) + " -i " +
                          quote(in) + " -an -frames:v 1 -vf scale=384:-2 " +
                          quote(o / ("ss_" + std::to_string(i) + ".jpg"));
             }
             return command;
           }));
  }
  for (const auto& [interval, entry] : by_interval)
    summarize("videos, " + interval, entry.first, entry.second);
}

void bench_audio(const fs::path& dir, const fs::path& out) {
  std::printf("== audio\n");
  long long naive = 0;
  media::Limits mp3_limits;
  mp3_limits.audio_mp3 = true;
  Totals totals = run_category(
      files_in(dir), media::Limits{}, naive,
      [&](Totals& sums, const fs::path& file, const std::string& name) {
        record(sums, "siftd (mp3 out)", name, time_siftd(file, mp3_limits));
        // Debian's sox reads MP3 only with libsox-fmt-mp3, which the workload does not assume.
        if (file.extension() == ".mp3") {
          std::printf("  %-22s %-24s (skipped: this sox cannot read MP3)\n", "sox", name.c_str());
        } else {
          record(sums, "sox", name, time_peer(file, out / "sox", [](auto& in, auto& o) {
                   return "sox " + quote(in) + " -r 16000 -c 1 -b 16 " + quote(o / "out.wav") +
                          " silence 1 0.1 -50d reverse silence 1 0.1 -50d reverse trim 0 60";
                 }));
        }
        record(sums, "ffmpeg", name, time_peer(file, out / "ffmpeg", [](auto& in, auto& o) {
                 return "ffmpeg -v error -nostdin -threads 1 -i " + quote(in) +
                        " -ac 1 -ar 16000 -af silenceremove=start_periods=1:start_threshold=-50dB,"
                        "areverse,silenceremove=start_periods=1:start_threshold=-50dB,areverse -t "
                        "60 " +
                        quote(o / "out.wav");
               }));
      });
  summarize("audio", totals, naive);
}

void bench_pdfs(const fs::path& dir, const fs::path& out) {
  std::printf("== pdfs\n");
  long long naive = 0;
  Totals totals = run_category(
      files_in(dir), media::Limits{}, naive,
      [&](Totals& sums, const fs::path& file, const std::string& name) {
        record(sums, "pdftotext + pdftoppm", name,
               time_peer(file, out / "poppler", [](auto& in, auto& o) {
                 return "pdftotext -l 3 " + quote(in) + " " + quote(o / "out.txt") +
                        " && pdftoppm -r 50 -f 1 -l 1 -jpeg " + quote(in) + " " + quote(o / "page");
               }));
      });
  summarize("pdfs", totals, naive);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: media_bench <work-dir>\n";
    return 2;
  }
  // One thread each, as in a siftd worker process.
  cv::setNumThreads(1);
  const fs::path work = fs::absolute(argv[1]);  // vipsthumbnail resolves -o against its inputs
  const fs::path out = work / "out";
  bench_images("photos (4000x3000 JPEG)", work / "photos", out, true, false);
  bench_images("screenshots (1920x1080 PNG)", work / "screenshots", out, false, true);
  bench_videos(work / "videos", out);
  bench_audio(work / "audio", out);
  bench_pdfs(work / "pdfs", out);
  return 0;
}
