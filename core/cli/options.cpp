#include "options.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <vector>

namespace kdmp::cli {

std::string usage() {
  return "Usage: kdmp-parser [OPTIONS] DUMP_PATH\n"
         "\n"
         "Options:\n"
         "      --dump-headers         Dump the dump headers\n"
         "  -c, --context-record       Dump the context record\n"
         "  -e, --exception-record     Dump the exception record\n"
         "  -m, --mem[=ADDR]           Dump the first LEN bytes of every physical page, or LEN bytes at ADDR\n"
         "      --virt                 ADDR is a virtual address, not a physical one\n"
         "      --len LEN              The number of bytes to dump (default 128)\n"
         "      --dtb DTB              Directory table base for --virt (default: the header's)\n"
         "  -r, --reader <mmap|file>   Reader mode (default mmap)\n"
         "      --modules              Dump the list of kernel and user modules\n"
         "      --processes            Dump the crashing thread and process, then every process and its threads\n"
         "      --layout               Dump the file's structures (header, run list, bitmap, page data, ...)\n"
         "      --stack                Dump the call stack as WinDbg's k shows it (unwind data, frame chains, scan)\n"
         "      --analyze              Dump the answer as !analyze -v gives it (symbol, image, failure bucket,\n"
         "                             the faulting instruction disassembled)\n"
         "      --json                 Print the summary as one JSON document\n"
         "      --symbols PATH         Symbol path: folders and srv*CACHE*URL, ';'-separated; searched before\n"
         "                             _NT_SYMBOL_PATH (names in --json and --modules)\n"
         "  -h, --help                 Print help\n"
         "  -V, --version              Print version\n";
}

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

Result<Options> parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto bad = [](const std::string& m) { return make_error(ErrorCode::InvalidArgument, m); };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      const std::string prefix = name + "=";
      if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    auto is = [&](const char* s, const char* l) { return a == s || (l && (a == l || a.rfind(std::string(l) + "=", 0) == 0)); };
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "-V" || a == "--version") {
      o.version = true;
    } else if (a == "--dump-headers") {
      o.dump_headers = true;
    } else if (a == "-c" || a == "--context-record") {
      o.context_record = true;
    } else if (a == "-e" || a == "--exception-record") {
      o.exception_record = true;
    } else if (a == "-m" || a == "--mem") {
      o.mem = true;
    } else if (a.rfind("--mem=", 0) == 0 || a.rfind("-m=", 0) == 0) {
      o.mem = true;
      auto v = parse_number(a.substr(a.find('=') + 1));
      if (!v) return bad("invalid address for --mem: " + a.substr(a.find('=') + 1));
      o.mem_address = *v;
    } else if (a == "--virt") {
      o.virt = true;
    } else if (is("--len", "--len")) {
      auto v = value("--len");
      if (!v) return bad("--len needs a value");
      // --len is decimal unless written 0x...
      const auto n = (v->rfind("0x", 0) == 0) ? parse_number(*v) : parse_number("0n" + *v);
      if (!n || *n == 0 || *n > (1ull << 30)) return bad("invalid --len: " + *v);
      o.len = *n;
    } else if (is("--dtb", "--dtb")) {
      auto v = value("--dtb");
      auto n = v ? parse_number(*v) : std::nullopt;
      if (!n) return bad("--dtb needs a hexadecimal value");
      o.dtb = *n;
    } else if (a == "-r" || is("--reader", "--reader")) {
      auto v = value(a == "-r" ? "-r" : "--reader");
      if (v == "mmap") {
        o.reader = FileReaderKind::Mmap;
      } else if (v == "file") {
        o.reader = FileReaderKind::File;
      } else {
        return bad("--reader takes mmap or file");
      }
    } else if (a == "--modules") {
      o.modules = true;
    } else if (a == "--processes") {
      o.processes = true;
    } else if (a == "--layout") {
      o.layout = true;
    } else if (a == "--stack") {
      o.stack = true;
    } else if (a == "--analyze") {
      o.analyze = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (is("--symbols", "--symbols")) {
      auto v = value("--symbols");
      if (!v || v->empty()) return bad("--symbols needs a path");
      o.symbol_paths.push_back(*v);
    } else if (!a.empty() && a[0] == '-') {
      return bad("unknown option " + a);
    } else if (o.dump_path.empty()) {
      o.dump_path = a;
    } else {
      return bad("unexpected argument " + a);
    }
  }
  if (o.dump_path.empty() && !o.help && !o.version) return bad("missing DUMP_PATH");
  return o;
}

}  // namespace kdmp::cli
