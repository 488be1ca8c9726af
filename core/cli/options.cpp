// The option set of kdmp-parser-rs's parser example (`parser [OPTIONS] -- <DUMP_PATH>`, clap), plus ours. CLI11
// accepts what clap accepts for these declarations: `-m ADDR`, `-mADDR`, `--mem ADDR`, `--mem=ADDR`; a bare `-m` when
// the next word is an option, `--` or the only word left for DUMP_PATH (CLI11 leaves required positionals their
// words); `--` ends the options; options after the path; grouped flags (`-ce`).
#include "options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace kdmp::cli {

namespace {

// clap takes `-r=file` and `-m=0x1000` (an `=` after a short option); CLI11 hands the value over with the `=`.
std::string drop_equals(std::string value) {
  if (!value.empty() && value.front() == '=') value.erase(0, 1);
  return value;
}

std::string not_empty(const std::string& value) { return value.empty() ? "needs a path" : ""; }

// What the declarations fill in, before the values are checked and converted.
struct Words {
  std::string mem, len, dtb, reader = "mmap", jobs;
};

void declare(CLI::App& app, Options& o, Words& w) {
  app.set_help_flag("-h,--help", "Print help");
  app.set_version_flag("-V,--version", std::string("kdmp-parser ") + kVersion, "Print version");
  // Several paths (or folders) with --json: one summary per line.
  app.add_option("DUMP_PATH", o.paths, "The dump path; with --json, several paths or folders")->required();
  app.add_flag("--dump-headers", o.dump_headers, "Dump the dump headers");
  app.add_flag("-c,--context-record", o.context_record, "Dump the context record (the dump header's CONTEXT)");
  app.add_flag("-e,--exception-record", o.exception_record, "Dump the exception record");
  app.add_option("-m,--mem", w.mem, "Dump the first LEN bytes of every physical page, or LEN bytes at ADDR")
      ->expected(0, 1)->type_name("[ADDR]")->transform(drop_equals);
  app.add_flag("--virt", o.virt, "ADDR is a virtual address, not a physical one");
  app.add_option("--len", w.len, "The number of bytes to dump (default 128)")->type_name("LEN")->transform(drop_equals);
  app.add_option("--dtb", w.dtb, "Directory table base for --virt (default: the header's)")->type_name("DTB");
  app.add_option("-r,--reader", w.reader, "Reader mode (default mmap)")
      ->type_name("<mmap|file>")->transform(drop_equals);
  app.add_flag("--modules", o.modules, "Dump the list of kernel and user modules");
  app.add_flag("--processes", o.processes, "Dump the crashing thread and process, then every process and its threads");
  app.add_flag("--layout", o.layout, "Dump the file's structures (header, run list, bitmap, page data, ...)");
  app.add_flag("--stack", o.stack, "Dump the call stack as WinDbg's k shows it (unwind data, frame chains, scan)");
  app.add_flag("--analyze", o.analyze, "Dump the answer as !analyze -v gives it (symbol, image, failure bucket, "
                                       "the faulting instruction disassembled)");
  app.add_flag("--json", o.json, "Print the summary as one JSON document; with several paths or a folder (walked), "
                                 "one summary per line (NDJSON), a file that fails as an error line");
  app.add_option("-j,--jobs", w.jobs, "--json over several dumps: read N at a time (default: the cores)")
      ->type_name("N")->transform(drop_equals);
  // Repeatable, one path a time: `--symbols A --symbols B`.
  app.add_option("--symbols", o.symbol_paths, "Symbol path: folders and srv*CACHE*URL, ';'-separated; searched "
                                              "before _NT_SYMBOL_PATH (names in --json and --modules)")
      ->type_name("PATH")->expected(1)->transform(drop_equals)->check(not_empty);
}

std::unique_ptr<CLI::App> make_app(Options& o, Words& w) {
  auto app = std::make_unique<CLI::App>("Reads a Windows kernel crash dump.", "kdmp-parser");
  app->get_formatter()->column_width(28);
  declare(*app, o, w);
  return app;
}

}  // namespace

std::optional<uint64_t> parse_number(const std::string& text) {
  std::string s = text;
  int base = 16;
  if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) {
    s = s.substr(2);
  } else if (s.rfind("0n", 0) == 0) {
    s = s.substr(2);
    base = 10;
  }
  s.erase(std::remove(s.begin(), s.end(), '`'), s.end());  // WinDbg writes fffff803`12345678
  if (s.empty() || s.size() > 20) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, base);
  if (errno != 0 || end == nullptr || *end != '\0' || s[0] == '-' || s[0] == '+') return std::nullopt;
  return static_cast<uint64_t>(v);
}

Result<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  Words w;
  auto app = make_app(o, w);
  auto bad = [](const std::string& m) { return make_error(ErrorCode::InvalidArgument, m); };
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    o.help = true;
    o.help_text = app->help();
    return o;
  } catch (const CLI::CallForVersion&) {
    o.version = true;
    return o;
  } catch (const CLI::ParseError& e) {
    return bad(e.what());
  }
  if (app->count("--mem") > 0) {
    o.mem = true;
    if (!w.mem.empty()) {
      auto v = parse_number(w.mem);
      if (!v) return bad("invalid address for --mem: " + w.mem);
      o.mem_address = *v;
    }
  }
  if (!w.len.empty()) {
    // --len is decimal unless written 0x...
    const auto n = (w.len.rfind("0x", 0) == 0) ? parse_number(w.len) : parse_number("0n" + w.len);
    if (!n || *n == 0 || *n > (1ull << 30)) return bad("invalid --len: " + w.len);
    o.len = *n;
  }
  if (app->count("--dtb") > 0) {
    auto n = parse_number(w.dtb);
    if (!n) return bad("--dtb needs a hexadecimal value, not " + w.dtb);
    o.dtb = *n;
  }
  if (w.reader != "mmap" && w.reader != "file") return bad("--reader takes mmap or file, not " + w.reader);
  o.reader = w.reader == "file" ? FileReaderKind::File : FileReaderKind::Mmap;
  if (app->count("--jobs") > 0) {
    const auto n = parse_number("0n" + w.jobs);
    if (!n || *n == 0 || *n > 256) return bad("--jobs takes a number from 1 to 256, not " + w.jobs);
    o.jobs = static_cast<unsigned>(*n);
  }
  if (!o.paths.empty()) o.dump_path = o.paths.front();
  if (o.paths.size() > 1 && !o.json) return bad("several DUMP_PATHs need --json (one summary per line)");
  if (o.jobs && !o.json) return bad("--jobs goes with --json");
  return o;
}

Result<Options> parse_options(int argc, char** argv) {
  return parse_options(std::vector<std::string>(argv + 1, argv + argc));
}

}  // namespace kdmp::cli
