#include "kdmp/pcr_scan.hpp"

#include <array>

#include "kdmp/le.hpp"
#include "kdmp/paging.hpp"

namespace kdmp {

namespace {

constexpr uint32_t kAmd64 = 0x8664, kI386 = 0x14c;
constexpr size_t kPage = 0x1000;

struct PcrShape {
  unsigned pointer_size;
  size_t self, prcb;     // where KPCR.Self and KPCR.CurrentPrcb are
  uint64_t prcb_offset;  // where the KPRCB is inside the KPCR
  uint64_t lowest;       // the lowest kernel address
};

std::optional<PcrShape> shape_of(uint32_t machine) {
  if (machine == kAmd64) return PcrShape{8, 0x18, 0x20, 0x180, 0xffff800000000000};
  if (machine == kI386) return PcrShape{4, 0x1c, 0x20, 0x120, 0x80000000};
  return std::nullopt;
}

// The header context's stack and instruction pointers, where a saved x64 / x86 CONTEXT holds them.
struct SavedPointers {
  size_t sp, ip;
  unsigned size;
};
SavedPointers saved_pointers(uint32_t machine) {
  return machine == kAmd64 ? SavedPointers{0x98, 0xf8, 8} : SavedPointers{0xc4, 0xb8, 4};
}

}  // namespace

uint32_t prcb_processor_state_context(uint32_t machine, uint32_t build) {
  if (machine == kAmd64) return build >= 15063 ? 0x1f0 : 0x120;
  return build >= 7600 ? 0x18 : 0x1c;
}

Result<PcrScan> scan_for_pcrs(Dump& dump, uint32_t wanted, uint64_t max_pages) {
  const DumpHeader& h = dump.header();
  const auto shape = shape_of(h.machine_image_type);
  if (!shape) {
    return make_error(ErrorCode::Unsupported, "the KPCR scan knows x64 and x86 KPCRs only, not machine " +
                                                  hex(h.machine_image_type));
  }
  if (!dump.has_physical_memory()) return make_error(ErrorCode::Unsupported, "the dump holds no physical memory");
  auto mode = paging_mode_of(h);
  if (!mode) return mode.error();

  PcrScan out;
  std::array<uint8_t, kPage> copy{};
  const unsigned ps = shape->pointer_size;
  dump.for_each_physical_page([&](uint64_t pfn) {
    if (out.pages_read >= max_pages) {
      out.budget_exhausted = true;
      return false;
    }
    ++out.pages_read;
    const uint64_t gpa = pfn * kPage;
    std::span<const uint8_t> page = dump.view_physical(Gpa(gpa), kPage);
    if (page.size() != kPage) {
      if (!dump.read_physical_exact(Gpa(gpa), copy)) return true;  // a page past the end of a truncated file
      page = copy;
    }
    for (size_t at = 0; at + shape->prcb + ps <= kPage; at += ps) {
      const uint64_t self = ps == 8 ? le::u64(page, at + shape->self) : le::u32(page, at + shape->self);
      if ((self & (kPage - 1)) != at || self < shape->lowest) continue;
      const uint64_t prcb = ps == 8 ? le::u64(page, at + shape->prcb) : le::u32(page, at + shape->prcb);
      if (prcb != self + shape->prcb_offset) continue;
      auto t = translate(dump, *mode, h.directory_table_base, Gva(self));
      if (!t || t->gpa.value != gpa + at) continue;  // not where the kernel maps it: a stale copy or noise
      out.pcrs.push_back(FoundPcr{self, prcb, gpa + at});
      if (out.pcrs.size() >= wanted) return false;
    }
    return true;
  });
  return out;
}

Result<PcrMatch> match_crashing_pcr(VirtualMemory& vm, const PcrScan& scan, uint32_t machine, uint32_t build,
                                    const Context& context) {
  if (scan.pcrs.empty()) return make_error(ErrorCode::Unsupported, "the KPCR scan found no processor");
  const uint32_t state = prcb_processor_state_context(machine, build);
  const SavedPointers at = saved_pointers(machine);
  for (size_t i = 0; i < scan.pcrs.size(); ++i) {
    if (context.stack_pointer == 0) break;
    const uint64_t saved = scan.pcrs[i].prcb + state;
    auto sp = read_pointer(vm, saved + at.sp, at.size);
    auto ip = read_pointer(vm, saved + at.ip, at.size);
    if (sp && ip && *sp == context.stack_pointer && *ip == context.instruction_pointer) {
      return PcrMatch{i, true, "saved context"};
    }
  }
  return PcrMatch{0, false,
                  "no processor's saved context matched the header's; assumed the first KPCR found"};
}

}  // namespace kdmp
