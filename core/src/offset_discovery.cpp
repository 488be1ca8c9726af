#include "kdmp/offset_discovery.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

using F = KernelField;

constexpr uint64_t kSystemPid = 4;
constexpr uint8_t kProcessObjectType = 3;  // DISPATCHER_HEADER.Type of a KPROCESS (ProcessObject)
constexpr uint64_t kMaxStructure = 0x1000;  // EPROCESS and ETHREAD are smaller than a page on every build
constexpr size_t kMaxThreadListProbe = 256;  // entries followed when testing a candidate thread list
constexpr uint64_t kMaxThreadId = 0x4000000;  // client IDs are handle-table indexes: far below this

// Reads [va, va + size) page by page; pages that cannot be read stay zero and are marked missing.
struct Window {
  uint64_t base = 0;
  std::vector<uint8_t> bytes;
  std::vector<bool> present;  // per 4 KiB page

  Window(VirtualMemory& vm, uint64_t start, uint64_t size) : base(start & ~uint64_t{0xfff}) {
    if (start > std::numeric_limits<uint64_t>::max() - size - 0x2000) return;  // would wrap: an empty window
    const uint64_t end = (start + size + 0xfff) & ~uint64_t{0xfff};
    bytes.assign(end - base, 0);
    for (uint64_t page = base; page < end; page += 0x1000) {
      auto span = std::span<uint8_t>(bytes).subspan(page - base, 0x1000);
      present.push_back(vm.read_virtual_exact(Gva(page), span).ok());
    }
  }
  bool readable(uint64_t va, uint64_t size) const {
    if (va < base || va + size > base + bytes.size()) return false;
    for (uint64_t p = (va - base) >> 12; p <= (va + size - 1 - base) >> 12; ++p) {
      if (!present[p]) return false;
    }
    return true;
  }
  std::optional<uint64_t> pointer(uint64_t va, unsigned ps) const {
    if (!readable(va, ps)) return std::nullopt;
    return ps == 4 ? uint64_t{le::u32(bytes, va - base)} : le::u64(bytes, va - base);
  }
  std::optional<uint8_t> byte(uint64_t va) const {
    if (!readable(va, 1)) return std::nullopt;
    return bytes[va - base];
  }
};

// A process name as ImageFileName holds it: 1 to 14 printable ASCII characters then NUL.
bool plausible_name(VirtualMemory& vm, uint64_t va) {
  std::array<uint8_t, 15> b{};
  if (!vm.read_virtual_exact(Gva(va), b)) return false;
  size_t n = 0;
  while (n < b.size() && b[n] != 0) {
    if (b[n] < 0x20 || b[n] > 0x7e) return false;
    ++n;
  }
  return n >= 1 && n < b.size();
}

std::optional<uint64_t> pointer_at(VirtualMemory& vm, uint64_t va, unsigned ps) {
  auto v = read_pointer(vm, va, ps);
  return v ? std::optional<uint64_t>(*v) : std::nullopt;
}

uint64_t dtb_mask(unsigned ps) { return ps == 8 ? ~uint64_t{0xfff} : ~uint64_t{0x1f}; }

// Is there a KPROCESS at `eprocess`: a process dispatcher header and the kernel's DirectoryTableBase?
bool is_system_kprocess(VirtualMemory& vm, uint64_t eprocess, uint32_t dtb_offset, uint64_t kernel_dtb, unsigned ps) {
  std::array<uint8_t, 1> type{};
  auto dtb = pointer_at(vm, eprocess + dtb_offset, ps);
  return vm.read_virtual_exact(Gva(eprocess), type).ok() && (type[0] & 0x7f) == kProcessObjectType && dtb &&
         (*dtb & dtb_mask(ps)) == (kernel_dtb & dtb_mask(ps));
}

// Does the triple describe System at `links` (the list's first entry)? A layout shifted as a whole would still
// read PID 4 and "System", so the process's own header and DirectoryTableBase are checked too.
bool triple_matches(VirtualMemory& vm, uint64_t links, uint32_t links_offset, uint32_t pid_offset,
                    uint32_t name_offset, uint32_t dtb_offset, uint64_t kernel_dtb, unsigned ps) {
  if (links < links_offset) return false;
  const uint64_t eprocess = links - links_offset;
  if (!is_system_kprocess(vm, eprocess, dtb_offset, kernel_dtb, ps)) return false;
  auto pid = pointer_at(vm, eprocess + pid_offset, ps);
  std::array<uint8_t, 7> name{};
  if (!pid || *pid != kSystemPid || !vm.read_virtual_exact(Gva(eprocess + name_offset), name)) return false;
  return std::string_view(reinterpret_cast<const char*>(name.data()), name.size()) ==
         std::string_view("System\0", 7);
}

struct Triple {
  uint32_t links, pid, name;
};

std::optional<Triple> discover_process_triple(VirtualMemory& vm, const DiscoveryInput& in, uint32_t dtb_offset,
                                              std::vector<Warning>& warnings) {
  const unsigned ps = vm.pointer_size();
  auto first = pointer_at(vm, in.process_head, ps);
  if (!first || *first == in.process_head || *first < kMaxStructure) {
    return std::nullopt;  // the walk says the list is unreadable or empty
  }
  const uint64_t links = *first;
  const auto second = pointer_at(vm, links, ps);
  Window w(vm, links - kMaxStructure, 2 * kMaxStructure);
  // UniqueProcessId sits right before ActiveProcessLinks in every layout since Windows Vista.
  auto pid = w.pointer(links - ps, ps);
  if (!pid || *pid != kSystemPid) {
    warnings.push_back({"offset-discovery-failed", "the first process at " + hex(links) +
                                                        " has no PID 4 before its list links: no process offsets "
                                                        "discovered"});
    return std::nullopt;
  }
  const uint64_t mask = dtb_mask(ps);
  for (uint64_t links_offset = 2 * ps; links_offset < kMaxStructure; links_offset += ps) {
    const uint64_t eprocess = links - links_offset;
    auto type = w.byte(eprocess);
    auto dtb = w.pointer(eprocess + dtb_offset, ps);
    if (!type || (*type & 0x7f) != kProcessObjectType || !dtb || (*dtb & mask) != (in.kernel_dtb & mask)) {
      continue;
    }
    // ImageFileName lies after the list links: find "System\0".
    for (uint64_t name_at = links + 2 * ps; name_at + 7 <= eprocess + kMaxStructure; ++name_at) {
      if (!w.readable(name_at, 7) || std::memcmp(&w.bytes[name_at - w.base], "System\0", 7) != 0) continue;
      const uint64_t name_offset = name_at - eprocess;
      // The next process (smss.exe, Registry, Secure System, ...) has a name there too.
      if (second && *second != in.process_head && *second > links_offset &&
          !plausible_name(vm, *second - links_offset + name_offset)) {
        continue;
      }
      return Triple{static_cast<uint32_t>(links_offset), static_cast<uint32_t>(links_offset - ps),
                    static_cast<uint32_t>(name_offset)};
    }
  }
  warnings.push_back({"offset-discovery-failed",
                      "no EPROCESS layout fits the System process at " + hex(links) +
                          " (a process header with the kernel's DirectoryTableBase and the name \"System\")"});
  return std::nullopt;
}

// The list in the process that holds the thread: ThreadListHead (offset in the process) and ThreadListEntry (in
// the thread). KPROCESS has a list of KTHREADs and EPROCESS one of ETHREADs; either enumerates the threads.
std::optional<std::pair<uint32_t, uint32_t>> discover_thread_list(VirtualMemory& vm, uint64_t process,
                                                                  uint64_t thread) {
  const unsigned ps = vm.pointer_size();
  Window w(vm, process, kMaxStructure);
  for (uint64_t head_offset = 2 * ps; head_offset + 2 * ps <= kMaxStructure; head_offset += ps) {
    const uint64_t head = process + head_offset;
    auto flink = w.pointer(head, ps);
    auto blink = w.pointer(head + ps, ps);
    if (!flink || !blink || *flink == head || *flink == 0 || *flink % ps != 0) continue;
    // Only a list whose entries fall in the thread's structure range is a thread list.
    uint64_t entry = *flink;
    for (size_t i = 0; i < kMaxThreadListProbe && entry != head; ++i) {
      if (entry >= thread && entry - thread < kMaxStructure) {
        auto back = pointer_at(vm, *blink, ps);  // the last entry's Flink closes the list
        if (back && *back == head) {
          return std::make_pair(static_cast<uint32_t>(head_offset), static_cast<uint32_t>(entry - thread));
        }
        break;
      }
      auto next = pointer_at(vm, entry, ps);
      if (!next || *next == 0) break;
      entry = *next;
    }
  }
  return std::nullopt;
}

// CLIENT_ID {UniqueProcess, UniqueThread}: the process's PID followed by a plausible thread ID.
std::optional<uint32_t> discover_cid(VirtualMemory& vm, uint64_t thread, uint64_t pid) {
  const unsigned ps = vm.pointer_size();
  Window w(vm, thread, kMaxStructure);
  for (uint64_t off = 0; off + 2 * ps <= kMaxStructure; off += ps) {
    auto p = w.pointer(thread + off, ps);
    auto t = w.pointer(thread + off + ps, ps);
    if (p && t && *p == pid && *t != 0 && *t % 4 == 0 && *t < kMaxThreadId) return static_cast<uint32_t>(off);
  }
  return std::nullopt;
}

}  // namespace

Discovered discover_offsets(VirtualMemory& vm, const DiscoveryInput& in, const KernelOffsets& known,
                            std::vector<Warning>& warnings) {
  Discovered out;
  const unsigned ps = vm.pointer_size();
  const auto links_known = known.get(F::ProcessActiveProcessLinks);
  const auto pid_known = known.get(F::ProcessUniqueProcessId);
  const auto name_known = known.get(F::ProcessImageFileName);
  std::optional<uint32_t> pid_offset = pid_known;
  const uint32_t dtb_offset = known.get(F::ProcessDirectoryTableBase).value_or(ps == 8 ? 0x28 : 0x18);

  if (in.process_head != 0) {
    auto first = pointer_at(vm, in.process_head, ps);
    const bool known_fits =
        links_known && pid_known && name_known && first &&
        triple_matches(vm, *first, *links_known, *pid_known, *name_known, dtb_offset, in.kernel_dtb, ps);
    if (!known_fits) {
      if (auto t = discover_process_triple(vm, in, dtb_offset, warnings)) {
        out.offsets.set(F::ProcessActiveProcessLinks, t->links);
        out.offsets.set(F::ProcessUniqueProcessId, t->pid);
        out.offsets.set(F::ProcessImageFileName, t->name);
        pid_offset = t->pid;
        if (links_known || pid_known || name_known) {
          out.replaces_process_triple = true;
          warnings.push_back({"offsets-contradicted",
                              "the known EPROCESS offsets (ActiveProcessLinks " + hex(links_known.value_or(0)) +
                                  ", UniqueProcessId " + hex(pid_known.value_or(0)) + ", ImageFileName " +
                                  hex(name_known.value_or(0)) +
                                  ") do not describe the System process in this dump; using the discovered " +
                                  hex(t->links) + ", " + hex(t->pid) + ", " + hex(t->name)});
        }
      }
    }
  }

  if (in.crashing_thread != 0 && in.crashing_process != 0) {
    if (!known.has(F::ProcessThreadListHead) || !known.has(F::ThreadListEntry)) {
      if (auto list = discover_thread_list(vm, in.crashing_process, in.crashing_thread)) {
        out.offsets.set(F::ProcessThreadListHead, list->first);
        out.offsets.set(F::ThreadListEntry, list->second);
      }
    }
    if (!known.has(F::ThreadCid) && pid_offset) {
      if (auto pid = pointer_at(vm, in.crashing_process + *pid_offset, ps)) {
        if (auto cid = discover_cid(vm, in.crashing_thread, *pid)) out.offsets.set(F::ThreadCid, *cid);
      }
    }
  }
  return out;
}

KernelOffsets resolve_with_discovery(std::span<const OffsetSource* const> sources, const Discovered& discovered) {
  std::vector<const OffsetSource*> ordered(sources.begin(), sources.end());
  ordered.push_back(&discovered.offsets);
  KernelOffsets out = resolve_offsets(ordered);
  auto take = [&](const OffsetSource& source, std::initializer_list<F> fields) {
    for (F f : fields) {
      const auto i = static_cast<size_t>(f);
      out.values[i] = source.offset(f);
      out.origins[i] = out.values[i] ? source.origin() : OffsetOrigin::None;
    }
  };
  if (discovered.replaces_process_triple) {
    take(discovered.offsets, {F::ProcessActiveProcessLinks, F::ProcessUniqueProcessId, F::ProcessImageFileName});
  }
  // ThreadListHead and ThreadListEntry from the first source that has both.
  if (out.origin(F::ProcessThreadListHead) != out.origin(F::ThreadListEntry)) {
    const OffsetSource* both = nullptr;
    for (const OffsetSource* s : ordered) {
      if (s && s->offset(F::ProcessThreadListHead) && s->offset(F::ThreadListEntry)) {
        both = s;
        break;
      }
    }
    if (both) {
      take(*both, {F::ProcessThreadListHead, F::ThreadListEntry});
    } else {
      out.values[static_cast<size_t>(F::ProcessThreadListHead)].reset();
      out.values[static_cast<size_t>(F::ThreadListEntry)].reset();
      out.origins[static_cast<size_t>(F::ProcessThreadListHead)] = OffsetOrigin::None;
      out.origins[static_cast<size_t>(F::ThreadListEntry)] = OffsetOrigin::None;
    }
  }
  return out;
}

}  // namespace kdmp
