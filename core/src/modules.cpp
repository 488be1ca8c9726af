#include "kdmp/modules.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_set>

#include "kdmp/kdbg.hpp"
#include "kdmp/le.hpp"

namespace kdmp {

namespace {

// A loaded image is never this large; a bigger SizeOfImage means the entry is garbage.
constexpr uint64_t kMaxImageSize = 0x80000000;
// The first build whose KLDR_DATA_TABLE_ENTRY has TimeDateStamp (Windows 10 1507).
constexpr uint32_t kFirstBuildWithKldrTimestamp = 10240;

// User-mode offsets (TEB, PEB, PEB_LDR_DATA), the same since Windows XP.
constexpr uint64_t kTeb64Peb = 0x60, kPeb64Ldr = 0x18, kLdr64InLoadOrder = 0x10;
constexpr uint64_t kTeb32Self = 0x18, kTeb32Peb = 0x30, kPeb32Ldr = 0xc, kLdr32InLoadOrder = 0xc;
constexpr uint64_t kWow64TebOffset = 0x2000;  // a WoW64 thread's TEB32 follows its TEB64

uint64_t pointer_at(std::span<const uint8_t> b, size_t off, unsigned pointer_size) {
  return pointer_size == 4 ? uint64_t{le::u32(b, off)} : le::u64(b, off);
}

bool written(uint64_t value) { return header_pointer_written(value); }

// UNICODE_STRING {Length u16 (bytes), MaximumLength u16, Buffer pointer (aligned to the pointer size)}.
struct UnicodeString {
  uint16_t length;
  uint16_t maximum_length;
  uint64_t buffer;
  bool valid() const { return length % 2 == 0 && length <= kMaxNameBytes && length <= maximum_length; }
};

UnicodeString unicode_string_at(std::span<const uint8_t> entry, size_t off, unsigned pointer_size) {
  return {le::u16(entry, off), le::u16(entry, off + 2), pointer_at(entry, off + pointer_size, pointer_size)};
}

// nullopt when the buffer cannot be read.
std::optional<std::string> read_unicode_string(VirtualMemory& vm, const UnicodeString& s) {
  if (s.length == 0) return std::string();
  if (s.buffer == 0) return std::nullopt;
  std::vector<uint8_t> bytes(s.length);  // at most kMaxNameBytes: checked by valid()
  if (!vm.read_virtual_exact(Gva(s.buffer), bytes)) return std::nullopt;
  return utf16le_to_utf8(bytes);
}

// TimeDateStamp and CheckSum from the image's own PE header, for layouts that do not carry them.
struct PeIdentity {
  uint32_t timestamp;
  uint32_t checksum;
};
std::optional<PeIdentity> read_pe_identity(VirtualMemory& vm, uint64_t base) {
  std::array<uint8_t, 0x40> dos{};
  if (!vm.read_virtual_exact(Gva(base), dos) || le::u16(dos, 0) != 0x5a4d) return std::nullopt;  // "MZ"
  const uint32_t nt_offset = le::u32(dos, 0x3c);  // e_lfanew
  if (nt_offset < dos.size() || nt_offset > kPageSize) return std::nullopt;
  // Signature, IMAGE_FILE_HEADER (TimeDateStamp at +8), optional header at +0x18 (CheckSum at +0x40 in both
  // PE32 and PE32+).
  std::array<uint8_t, 0x5c> nt{};
  if (!vm.read_virtual_exact(Gva(base + nt_offset), nt) || le::u32(nt, 0) != 0x4550) return std::nullopt;  // "PE\0\0"
  return PeIdentity{le::u32(nt, 8), le::u32(nt, 0x58)};
}

void warn(ModuleList& out, std::string code, std::string message) {
  out.warnings.push_back(Warning{std::move(code), std::move(message)});
}

void load_user_modules(VirtualMemory& vm, const DumpHeader& header, const Context& context,
                       const Result<Kdbg>& kdbg, ModuleList& out) {
  const unsigned ps = vm.pointer_size();
  if (!kdbg) {
    warn(out, "user-modules-unavailable", "user modules unavailable: " + kdbg.error().message);
    return;
  }
  auto thread = find_crashing_thread(vm, *kdbg, header.number_processors, context);
  if (!thread) {
    warn(out, "user-modules-unavailable", "user modules unavailable: " + thread.error().message);
    return;
  }
  if (!thread->matched) warn(out, "crashing-processor-unknown", thread->how);
  if (thread->teb == 0) return;  // a system thread has no process modules

  const std::string owner = "thread " + hex(thread->thread) + " (TEB " + hex(thread->teb) + ")";
  auto unavailable = [&](const std::string& why) {
    warn(out, "user-modules-unavailable", "user modules of " + owner + " unavailable: " + why);
  };
  // Walks the 32-bit loader list reachable from a 32-bit TEB.
  auto walk32 = [&](uint64_t teb32, ModuleKind kind, const std::string& what) {
    auto peb = read_pointer(vm, teb32 + kTeb32Peb, 4);
    if (!peb || *peb == 0) return unavailable("the PEB pointer in the TEB at " + hex(teb32) + " is unreadable or 0");
    auto ldr = read_pointer(vm, *peb + kPeb32Ldr, 4);
    if (!ldr) return unavailable("the PEB at " + hex(*peb) + " is unreadable: " + ldr.error().message);
    if (*ldr == 0) return unavailable("the PEB at " + hex(*peb) + " has no loader data yet");
    walk_module_list(vm, *ldr + kLdr32InLoadOrder, kUserEntry32, kind, what, out);
  };

  if (ps == 4) {
    walk32(thread->teb, ModuleKind::User, "user module list of " + owner);
    return;
  }
  auto peb = read_pointer(vm, thread->teb + kTeb64Peb, 8);
  if (!peb) return unavailable("the TEB is unreadable: " + peb.error().message);
  if (*peb == 0) return unavailable("the TEB has no PEB");
  auto ldr = read_pointer(vm, *peb + kPeb64Ldr, 8);
  if (!ldr) return unavailable("the PEB at " + hex(*peb) + " is unreadable: " + ldr.error().message);
  if (*ldr == 0) return unavailable("the PEB at " + hex(*peb) + " has no loader data yet");
  walk_module_list(vm, *ldr + kLdr64InLoadOrder, kUserEntry64, ModuleKind::User, "user module list of " + owner,
                   out);

  // A WoW64 thread's TEB32 sits 0x2000 after its TEB64 and its NT_TIB.Self points at itself; anything else there
  // (usually nothing mapped) means a native process.
  const uint64_t teb32 = thread->teb + kWow64TebOffset;
  auto self = read_pointer(vm, teb32 + kTeb32Self, 4);
  if (self && *self == (teb32 & 0xffffffffu)) walk32(teb32, ModuleKind::User32, "WoW64 module list of " + owner);
}

}  // namespace

const char* module_kind_name(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::Kernel: return "kernel";
    case ModuleKind::User: return "user";
    case ModuleKind::User32: return "user32";
  }
  return "unknown";
}

void walk_module_list(VirtualMemory& vm, uint64_t list_head, const LoaderEntryLayout& layout, ModuleKind kind,
                      const std::string& what, ModuleList& out) {
  const unsigned ps = layout.pointer_size;
  auto first = read_pointer(vm, list_head, ps);
  if (!first) {
    warn(out, "module-list-unreadable",
         "the " + what + " head at " + hex(list_head) + " is unreadable: " + first.error().message);
    return;
  }
  std::unordered_set<uint64_t> seen;
  size_t walked = 0;
  std::vector<uint8_t> entry(layout.entry_size);
  size_t unreadable_names = 0;
  uint64_t first_unreadable_name = 0;
  uint64_t previous = list_head;
  for (uint64_t current = *first; current != list_head;) {
    const std::string link = "the " + what + " entry at " + hex(previous) + " links to " + hex(current);
    if (current == 0 || current % ps != 0) {
      warn(out, "module-list-bad-link", link + ", which is not a valid entry address; stopped there");
      break;
    }
    if (seen.count(current) != 0) {
      warn(out, "module-list-cycle",
           link + ", an entry already visited (a cycle); stopped after " + std::to_string(walked) + " entries");
      break;
    }
    if (walked >= kMaxListEntries) {  // counted apart from `seen`, so the cap holds on its own
      warn(out, "module-list-too-long",
           "the " + what + " has more than " + std::to_string(kMaxListEntries) + " entries; stopped at " +
               hex(current));
      break;
    }
    seen.insert(current);
    ++walked;
    auto st = vm.read_virtual_exact(Gva(current), entry);
    if (!st) {
      warn(out, "module-entry-unreadable", link + ", which is unreadable: " + st.error().message);
      break;
    }
    const uint64_t base = pointer_at(entry, layout.dll_base, ps);
    const uint64_t size = le::u32(entry, layout.size_of_image);
    const uint64_t space_end = ps == 4 ? (uint64_t{1} << 32) : 0;  // 0: the whole 64-bit space
    if (base == 0 || size == 0 || size > kMaxImageSize || (space_end != 0 && base + size > space_end) ||
        base + size < base) {
      warn(out, "module-entry-bad-image",
           "the " + what + " entry at " + hex(current) + " has DllBase " + hex(base) + " and SizeOfImage " +
               hex(size) + "; stopped there");
      break;
    }
    const UnicodeString full = unicode_string_at(entry, layout.full_dll_name, ps);
    const UnicodeString base_name = unicode_string_at(entry, layout.base_dll_name, ps);
    if (!full.valid() || !base_name.valid()) {
      const bool bad_full = !full.valid();
      const UnicodeString& bad = bad_full ? full : base_name;
      warn(out, "module-entry-bad-string",
           "the " + what + " entry at " + hex(current) + " has a " + (bad_full ? "FullDllName" : "BaseDllName") +
               " of Length " + std::to_string(bad.length) + " (MaximumLength " + std::to_string(bad.maximum_length) +
               "); stopped there");
      break;
    }

    Module m;
    m.base = base;
    m.size = size;
    m.kind = kind;
    auto path = read_unicode_string(vm, full);
    auto name = read_unicode_string(vm, base_name);
    m.path = path.value_or("");
    m.name = name && !name->empty() ? *name : path_file_name(m.path);
    if (!path || !name) {
      if (unreadable_names++ == 0) first_unreadable_name = current;
    }
    if (layout.checksum != 0) m.checksum = le::u32(entry, layout.checksum);
    if (layout.timestamp != 0) m.timestamp = le::u32(entry, layout.timestamp);
    if (m.checksum == 0 || m.timestamp == 0) {
      if (auto pe = read_pe_identity(vm, base)) {
        if (m.checksum == 0) m.checksum = pe->checksum;
        if (m.timestamp == 0) m.timestamp = pe->timestamp;
      }
    }
    out.modules.push_back(std::move(m));

    previous = current;
    current = pointer_at(entry, 0, ps);  // InLoadOrderLinks.Flink
  }
  if (unreadable_names != 0) {
    warn(out, "module-name-unreadable",
         std::to_string(unreadable_names) + " name(s) in the " + what + " are unreadable (first in the entry at " +
             hex(first_unreadable_name) + ")");
  }
}

void load_process_modules(VirtualMemory& vm, uint64_t peb, uint64_t peb32, const std::string& owner,
                          ModuleList& out) {
  auto walk = [&](uint64_t at, bool is32) {
    auto ldr = read_pointer(vm, at + (is32 ? kPeb32Ldr : kPeb64Ldr), is32 ? 4 : 8);
    if (!ldr) {
      warn(out, "user-modules-unavailable", "the PEB of " + owner + " at " + hex(at) + " is unreadable: " +
                                                ldr.error().message);
      return;
    }
    if (*ldr == 0) return;  // a process too young to have loader data
    walk_module_list(vm, *ldr + (is32 ? kLdr32InLoadOrder : kLdr64InLoadOrder), is32 ? kUserEntry32 : kUserEntry64,
                     is32 && vm.pointer_size() == 8 ? ModuleKind::User32 : ModuleKind::User,
                     (is32 && vm.pointer_size() == 8 ? "WoW64 module list of " : "user module list of ") + owner,
                     out);
  };
  if (peb != 0) walk(peb, vm.pointer_size() == 4);
  if (peb32 != 0 && vm.pointer_size() == 8) walk(peb32, true);
}

ModuleList load_modules(VirtualMemory& vm, const DumpHeader& header, const Context& context) {
  ModuleList out;
  const unsigned ps = vm.pointer_size();
  // The kernel list first: its first entry (the kernel) gives KernBase, one more known word for decoding an encoded
  // KDBG. Without the header's PsLoadedModuleList, the KDBG names it.
  uint64_t head = header.ps_loaded_module_list;
  Result<Kdbg> kdbg = make_error(ErrorCode::Unsupported, "the KDBG was not read");
  if (!written(head)) {
    kdbg = read_dump_kdbg(vm, header);
    if (kdbg) head = kdbg->ps_loaded_module_list;
  }
  if (!written(head)) {
    warn(out, "module-list-missing", "neither the header nor the KDBG names PsLoadedModuleList");
  } else {
    LoaderEntryLayout layout = ps == 4 ? kKernelEntry32 : kKernelEntry64;
    if (header.minor_version < kFirstBuildWithKldrTimestamp) {
      // Older kernels keep LoadedImports (a pointer) where user mode has TimeDateStamp: use the PE header.
      layout.timestamp = 0;
      layout.entry_size = layout.checksum + 4;
    }
    walk_module_list(vm, head, layout, ModuleKind::Kernel, "kernel module list", out);
  }
  if (written(header.ps_loaded_module_list)) {
    kdbg = read_dump_kdbg(vm, header, out.modules.empty() ? 0 : out.modules.front().base);
  }

  load_user_modules(vm, header, context, kdbg, out);
  std::stable_sort(out.modules.begin(), out.modules.end(),
                   [](const Module& a, const Module& b) { return a.base < b.base; });
  return out;
}

const Module* find_module(const std::vector<Module>& modules, uint64_t address) {
  auto it = std::upper_bound(modules.begin(), modules.end(), address,
                             [](uint64_t a, const Module& m) { return a < m.base; });
  if (it == modules.begin()) return nullptr;
  --it;
  return it->contains(address) ? &*it : nullptr;
}

std::string path_file_name(std::string_view path) {
  const size_t slash = path.find_last_of("\\/");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace kdmp
