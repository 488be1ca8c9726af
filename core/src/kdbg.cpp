#include "kdmp/kdbg.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "kdmp/header.hpp"
#include "kdmp/kdbg_decode.hpp"
#include "kdmp/le.hpp"

namespace kdmp {

namespace {

using namespace kdbg_offsets;

constexpr uint32_t kMinSize = kPsActiveProcessHead + 8;  // anything shorter cannot be a real block
constexpr uint32_t kMaxSize = 0x10000;                   // real blocks are under 0x400 bytes
constexpr uint32_t kMaxProcessors = 4096;
// A kernel stack (even an expanded one) is far smaller than this; it only bounds the "thread stack" match.
constexpr uint64_t kMaxKernelStack = 0x100000;

uint64_t narrow(uint64_t value, unsigned pointer_size) {
  return pointer_size == 4 ? (value & 0xffffffffu) : value;
}

// Stack-pointer offset inside a CONTEXT record of the dumped machine.
struct SpField {
  size_t offset;
  unsigned size;
};
std::optional<SpField> context_sp_field(uint32_t machine) {
  switch (machine) {
    case 0x8664: return SpField{0x98, 8};   // Rsp
    case 0xAA64: return SpField{0x100, 8};  // Sp
    case 0x14c: return SpField{0xc4, 4};    // Esp
    case 0x1c4: return SpField{0x38, 4};    // Sp
    default: return std::nullopt;
  }
}

bool context_has_sp(VirtualMemory& vm, uint64_t context_va, const SpField& sp, uint64_t wanted) {
  if (context_va == 0) return false;
  auto v = read_pointer(vm, context_va + sp.offset, sp.size);
  return v && *v == wanted;
}

// An encoded block: read as much as the fields we use need (or what is readable of it), solve the encoding from the
// plaintext the header gives, decode, parse. nullopt when nothing decodes it.
std::optional<Kdbg> read_encoded_kdbg(VirtualMemory& vm, Gva address, const KdbgPlaintext& known) {
  std::vector<uint8_t> bytes((kKnownEnd + 7) & ~size_t{7});
  while (bytes.size() > kPsActiveProcessHead + 8 && !vm.read_virtual_exact(address, bytes)) {
    bytes.resize(bytes.size() - 8);  // the block may end near an unmapped page: keep what is readable
  }
  if (bytes.size() <= kPsActiveProcessHead + 8) return std::nullopt;
  auto encoding = solve_kdbg_encoding(bytes, known);
  if (!encoding) return std::nullopt;
  decode_kdbg(bytes, *encoding);
  auto k = parse_kdbg(bytes, 8, address.value);
  if (!k) return std::nullopt;
  k->decoded = true;
  k->rotation = encoding->rotation;
  k->key = encoding->key;
  return std::move(k).value();
}

}  // namespace

Result<Kdbg> parse_kdbg(std::span<const uint8_t> bytes, unsigned pointer_size, uint64_t address) {
  if (pointer_size != 4 && pointer_size != 8) {
    return make_error(ErrorCode::InvalidArgument, "pointer size must be 4 or 8", address);
  }
  if (bytes.size() < kSize + 4) {
    return make_error(ErrorCode::Unsupported, "KDBG at " + hex(address) + " is too short to hold its header",
                      address);
  }
  const uint32_t tag = le::u32(bytes, kOwnerTag);
  if (tag != kKdbgOwnerTag) {
    return make_error(ErrorCode::Unsupported,
                      "KDBG at " + hex(address) + " is encoded or invalid (OwnerTag " + hex(tag) + ")", address);
  }
  Kdbg k;
  k.address = address;
  k.size = le::u32(bytes, kSize);
  if (k.size < kMinSize || k.size > kMaxSize) {
    return make_error(ErrorCode::Unsupported,
                      "KDBG at " + hex(address) + " has an implausible Size " + hex(k.size), address);
  }
  // Only what both the block's Size and the bytes we hold cover.
  const auto covered = bytes.first(std::min<size_t>(bytes.size(), k.size));
  auto ptr = [&](size_t off) { return le::fits(covered, off, 8) ? narrow(le::u64(covered, off), pointer_size) : 0; };
  auto u16 = [&](size_t off) { return le::fits(covered, off, 2) ? le::u16(covered, off) : uint16_t{0}; };
  k.kern_base = ptr(kKernBase);
  k.ps_loaded_module_list = ptr(kPsLoadedModuleList);
  k.ps_active_process_head = ptr(kPsActiveProcessHead);
  k.ki_processor_block = ptr(kKiProcessorBlock);
  k.offset_kthread_teb = u16(kOffsetKThreadTeb);
  k.offset_kthread_initial_stack = u16(kOffsetKThreadInitialStack);
  k.offset_prcb_current_thread = u16(kOffsetPrcbCurrentThread);
  k.offset_prcb_proc_state_context = u16(kOffsetPrcbProcStateContext);
  k.offset_prcb_context = u16(kOffsetPrcbContext);
  k.offset_kthread_apc_process = u16(kOffsetKThreadApcProcess);
  k.offset_kthread_state = u16(kOffsetKThreadState);
  k.size_eprocess = u16(kSizeEProcess);
  k.offset_eprocess_peb = u16(kOffsetEprocessPeb);
  k.offset_eprocess_parent_cid = u16(kOffsetEprocessParentCid);
  k.offset_eprocess_directory_table_base = u16(kOffsetEprocessDirectoryTableBase);
  k.offset_prcb_number = u16(kOffsetPrcbNumber);
  k.size_ethread = u16(kSizeEThread);
  k.offset_pcr_self_pcr = u16(kOffsetPcrSelfPcr);
  k.offset_pcr_current_prcb = u16(kOffsetPcrCurrentPrcb);
  k.offset_pcr_contained_prcb = u16(kOffsetPcrContainedPrcb);
  k.offset_prcb_proc_state_special_reg = u16(kOffsetPrcbProcStateSpecialReg);
  return k;
}

Result<Kdbg> read_kdbg(VirtualMemory& vm, Gva address, const KdbgPlaintext* known) {
  std::array<uint8_t, kSize + 4> header{};
  auto st = vm.read_virtual_exact(address, header);
  if (!st) {
    Error e = st.error();
    e.message = "KDBG at " + hex(address.value) + " is unreadable: " + e.message;
    return e;
  }
  const uint32_t tag = le::u32(header, kOwnerTag);
  const uint32_t size = le::u32(header, kSize);
  if (tag != kKdbgOwnerTag && known != nullptr && vm.pointer_size() == 8) {
    if (auto decoded = read_encoded_kdbg(vm, address, *known)) return std::move(*decoded);
  }
  if (tag != kKdbgOwnerTag || size < kMinSize || size > kMaxSize) {
    return parse_kdbg(header, vm.pointer_size(), address.value);  // the same messages as for bytes
  }
  std::vector<uint8_t> bytes(std::min<uint32_t>(size, kKnownEnd));
  st = vm.read_virtual_exact(address, bytes);
  if (!st) {
    Error e = st.error();
    e.message = "KDBG at " + hex(address.value) + " is only partly readable: " + e.message;
    return e;
  }
  return parse_kdbg(bytes, vm.pointer_size(), address.value);
}

bool header_pointer_written(uint64_t value) { return value != 0 && value != kPageFill64 && value != kPageFill; }

Result<Kdbg> read_dump_kdbg(VirtualMemory& vm, const DumpHeader& header, uint64_t kern_base) {
  if (!header_pointer_written(header.kd_debugger_data_block)) {
    return make_error(ErrorCode::Unsupported, "the header names no KDBG");
  }
  KdbgPlaintext known;
  known.ps_loaded_module_list = header_pointer_written(header.ps_loaded_module_list) ? header.ps_loaded_module_list : 0;
  known.ps_active_process_head =
      header_pointer_written(header.ps_active_process_head) ? header.ps_active_process_head : 0;
  known.kern_base = kern_base;
  auto k = read_kdbg(vm, Gva(header.kd_debugger_data_block), &known);
  if (!k && kern_base != 0) {  // the caller's KernBase may be wrong (a damaged module list): solve without it
    known.kern_base = 0;
    return read_kdbg(vm, Gva(header.kd_debugger_data_block), &known);
  }
  return k;
}

Result<CrashingThread> find_crashing_thread(VirtualMemory& vm, const Kdbg& kdbg, uint32_t number_processors,
                                            const Context& context) {
  const unsigned ps = vm.pointer_size();
  if (kdbg.ki_processor_block == 0 || kdbg.offset_prcb_current_thread == 0) {
    return make_error(ErrorCode::Unsupported,
                      "KDBG at " + hex(kdbg.address) + " does not name KiProcessorBlock or KPRCB.CurrentThread",
                      kdbg.address);
  }
  const uint32_t count = std::clamp<uint32_t>(number_processors, 1, kMaxProcessors);
  const auto sp_field = context_sp_field(context.machine);
  const uint64_t sp = context.stack_pointer;

  std::optional<CrashingThread> by_context, by_stack, first;
  for (uint32_t i = 0; i < count && !by_context; ++i) {
    auto prcb = read_pointer(vm, kdbg.ki_processor_block + uint64_t{i} * ps, ps);
    if (!prcb || *prcb == 0) continue;
    auto thread = read_pointer(vm, *prcb + kdbg.offset_prcb_current_thread, ps);
    if (!thread) continue;
    CrashingThread c;
    c.processor = i;
    c.prcb = *prcb;
    c.thread = *thread;
    if (!first) first = c;
    if (sp_field && sp != 0) {
      uint64_t saved = 0;
      if (kdbg.offset_prcb_context != 0) {
        if (auto p = read_pointer(vm, *prcb + kdbg.offset_prcb_context, ps)) saved = *p;
      }
      const bool in_pointer = context_has_sp(vm, saved, *sp_field, sp);
      const bool in_state = kdbg.offset_prcb_proc_state_context != 0 &&
                            context_has_sp(vm, *prcb + kdbg.offset_prcb_proc_state_context, *sp_field, sp);
      if (in_pointer || in_state) {
        c.matched = true;
        c.how = "saved context";
        by_context = c;
        break;
      }
    }
    if (!by_stack && sp != 0 && c.thread != 0 && kdbg.offset_kthread_initial_stack != 0) {
      auto initial = read_pointer(vm, c.thread + kdbg.offset_kthread_initial_stack, ps);
      if (initial && sp <= *initial && *initial - sp <= kMaxKernelStack) {
        c.matched = true;
        c.how = "thread stack";
        by_stack = c;
      }
    }
  }

  CrashingThread result;
  if (by_context) {
    result = *by_context;
  } else if (by_stack) {
    result = *by_stack;
  } else if (first) {
    result = *first;
    result.how = "no processor matched the context's stack pointer; assumed processor " +
                 std::to_string(result.processor);
  } else {
    return make_error(ErrorCode::Unsupported,
                      "no processor block is readable from KiProcessorBlock at " + hex(kdbg.ki_processor_block),
                      kdbg.ki_processor_block);
  }
  if (result.thread != 0 && kdbg.offset_kthread_teb != 0) {
    auto teb = read_pointer(vm, result.thread + kdbg.offset_kthread_teb, ps);
    if (!teb) {
      Error e = teb.error();
      e.message = "KTHREAD " + hex(result.thread) + " Teb is unreadable: " + e.message;
      return e;
    }
    result.teb = *teb;
  }
  return result;
}

}  // namespace kdmp
