#include "symbol_path.hpp"

#include <curl/curl.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "kdmp/native_source.hpp"

namespace kdmp::cli {

namespace {

namespace fs = std::filesystem;

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string default_cache() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/kdmpview/symbols";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/kdmpview/symbols";
  return "kdmpview-symbols";
}

// A file name from an image's CodeView record or a module name is hostile: keep its last component, refuse "..".
std::string safe_name(std::string_view name) {
  const auto slash = name.find_last_of("\\/");
  std::string s(slash == std::string_view::npos ? name : name.substr(slash + 1));
  if (s.empty() || s == "." || s == "..") return {};
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) return {};
  }
  return s;
}

std::unique_ptr<ByteSource> open_if_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return nullptr;
  auto s = open_file_source(p.string(), FileReaderKind::File);
  return s.ok() ? std::move(s).value() : nullptr;
}

size_t write_to_file(char* data, size_t size, size_t count, void* file) {
  return std::fwrite(data, size, count, static_cast<FILE*>(file)) * size;
}

// Downloads url into target (through a temporary file beside it); "" on success, else why not.
std::string download(const std::string& url, const fs::path& target) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return "cannot create " + target.parent_path().string() + ": " + ec.message();
  const fs::path partial = target.string() + ".partial";
  FILE* out = std::fopen(partial.string().c_str(), "wb");
  if (!out) return "cannot write " + partial.string();
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
  CURL* curl = initialised ? curl_easy_init() : nullptr;
  if (!curl) {
    std::fclose(out);
    fs::remove(partial, ec);
    return "libcurl could not start";
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_to_file);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "Microsoft-Symbol-Server/10.0.0.0");  // what servers expect
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  std::fclose(out);
  if (rc != CURLE_OK) {
    fs::remove(partial, ec);
    return status >= 400 ? "HTTP " + std::to_string(status) : std::string(curl_easy_strerror(rc));
  }
  fs::rename(partial, target, ec);
  return ec ? "cannot rename into " + target.string() + ": " + ec.message() : "";
}

}  // namespace

SymbolPath SymbolPath::parse(std::string_view path) {
  SymbolPath out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find(';', start), path.size());
    std::string_view e = path.substr(start, end - start);
    start = end + 1;
    while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
    while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
    if (e.empty()) continue;
    if (iequals_prefix(e, "srv*")) {
      std::string_view rest = e.substr(4);
      const auto star = rest.rfind('*');
      Entry entry;
      if (star == std::string_view::npos) {
        entry = {default_cache(), std::string(rest)};
      } else {
        entry = {std::string(rest.substr(0, star)), std::string(rest.substr(star + 1))};
        if (entry.folder.empty()) entry.folder = default_cache();
      }
      while (!entry.url.empty() && entry.url.back() == '/') entry.url.pop_back();
      if (entry.url.empty()) {
        out.warnings_.push_back({"symbol-path-entry", "symbol path entry " + std::string(e) + " has no URL"});
        continue;
      }
      out.entries_.push_back(std::move(entry));
    } else if (e.find('*') != std::string_view::npos) {
      out.warnings_.push_back({"symbol-path-entry", "symbol path entry " + std::string(e) +
                                                        " is not a folder or srv*CACHE*URL: skipped"});
    } else {
      out.entries_.push_back({std::string(e), ""});
    }
    if (end == path.size()) break;
  }
  return out;
}

void SymbolPath::append(const SymbolPath& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

std::unique_ptr<ByteSource> SymbolPath::find(const std::string& name, const std::string& key) {
  if (name.empty()) return nullptr;
  for (const Entry& e : entries_) {
    const fs::path stored = fs::path(e.folder) / name / key / name;
    if (auto s = open_if_file(stored)) return s;
    if (e.url.empty()) {
      if (auto s = open_if_file(fs::path(e.folder) / name)) return s;
      continue;
    }
    const std::string url = e.url + "/" + name + "/" + key + "/" + name;
    const std::string failed = download(url, stored);
    if (!failed.empty()) {
      warnings_.push_back({"symbol-download-failed", url + ": " + failed});
      continue;
    }
    if (auto s = open_if_file(stored)) return s;
  }
  return nullptr;
}

std::unique_ptr<ByteSource> SymbolPath::find_pdb(const CodeViewPdb& id) {
  return find(safe_name(id.pdb_name), id.store_key());
}

std::unique_ptr<ByteSource> SymbolPath::find_image(std::string_view file_name, uint32_t time_date_stamp,
                                                   uint32_t size_of_image) {
  return find(safe_name(file_name), image_store_key(time_date_stamp, size_of_image));
}

}  // namespace kdmp::cli
