#include "batch.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "kdmp/dump.hpp"
#include "kdmp/json.hpp"
#include "kdmp/summary.hpp"

namespace kdmp::cli {

namespace fs = std::filesystem;

std::vector<std::string> collect_dump_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> inside;
    // skip_permission_denied: an unreadable subfolder is left out rather than ending the walk.
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_regular_file(type_ec)) inside.push_back(it->path().string());
    }
    if (ec) inside.push_back(path);  // the folder itself could not be read: its error line says why
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  return files;
}

namespace {

// The symbol path keeps state (its warnings, a download cache): the threads take turns with it. The sources it
// returns are each thread's own.
class SerializedSymbols final : public SymbolProvider {
 public:
  explicit SerializedSymbols(SymbolProvider& inner) : inner_(inner) {}
  std::unique_ptr<ByteSource> find_pdb(const CodeViewPdb& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return inner_.find_pdb(id);
  }
  std::unique_ptr<ByteSource> find_image(std::string_view file_name, uint32_t time_date_stamp, uint32_t size_of_image) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return inner_.find_image(file_name, time_date_stamp, size_of_image);
  }

 private:
  SymbolProvider& inner_;
  std::mutex mutex_;
};

BatchLine error_line(const std::string& path, const char* code, const std::string& message) {
  JsonWriter j;
  j.begin_object();
  j.key("file").string(path);
  j.key("error").begin_object().key("code").string(code).key("message").string(message).end_object();
  j.end_object();
  return {j.str(), false};
}

}  // namespace

BatchLine summary_line(const std::string& path, FileReaderKind reader, SymbolProvider* symbols) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return error_line(path, "not-a-file", "a folder that could not be listed");
  auto source = open_file_source(path, reader);
  if (!source.ok()) return error_line(path, error_code_name(source.error().code), source.error().message);
  auto dump = Dump::open(std::move(source).value());
  if (!dump.ok()) return error_line(path, error_code_name(dump.error().code), dump.error().message);
  SummaryOptions options;
  options.file_name = path;
  options.symbols = symbols;
  return {summary_json(*dump, options), true};
}

size_t run_batch(const std::vector<std::string>& files, unsigned jobs, FileReaderKind reader, SymbolProvider* symbols,
                 std::FILE* out) {
  std::optional<SerializedSymbols> serialized;
  if (symbols) serialized.emplace(*symbols);
  SymbolProvider* shared = serialized ? &*serialized : nullptr;
  std::atomic<size_t> next{0};
  std::atomic<size_t> failed{0};
  std::mutex write;
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      const BatchLine line = summary_line(files[i], reader, shared);
      if (!line.ok) ++failed;
      std::lock_guard<std::mutex> lock(write);
      std::fputs(line.json.c_str(), out);
      std::fputc('\n', out);
      std::fflush(out);
    }
  };
  const size_t threads = std::clamp<size_t>(jobs, 1, std::max<size_t>(files.size(), 1));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  return failed;
}

}  // namespace kdmp::cli
