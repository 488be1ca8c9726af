#include "kdmp/unwind_x86.hpp"

#include <array>
#include <charconv>
#include <string>
#include <vector>

namespace kdmp {

namespace {

constexpr size_t kMaxTokens = 256, kMaxDepth = 32, kMaxTemporaries = 16;

Error bad_program(std::string_view program, const std::string& why) {
  return make_error(ErrorCode::InvalidArgument, "x86 frame data program \"" + std::string(program.substr(0, 120)) +
                                                    "\": " + why);
}

// A register by its program name, or nullptr.
uint32_t* register_named(X86Registers& r, std::string_view name) {
  static constexpr std::array<std::string_view, 9> kNames = {"$eip", "$esp", "$ebp", "$ebx", "$esi",
                                                             "$edi", "$eax", "$ecx", "$edx"};
  uint32_t* slots[] = {&r.eip, &r.esp, &r.ebp, &r.ebx, &r.esi, &r.edi, &r.eax, &r.ecx, &r.edx};
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return slots[i];
  }
  return nullptr;
}

Result<uint32_t> read_u32(VirtualMemory& vm, uint32_t va) {
  std::array<uint8_t, 4> b{};
  if (auto st = vm.read_virtual_exact(Gva(va), b); !st.ok()) return st.error();
  return le::u32(b, 0);
}

// .raSearch: the first slot from esp + the callee's parameters + locals + saved registers that holds a return
// address (or 0 in the first slot).
Result<uint32_t> ra_search(const X86Registers& r, const X86FrameData& f, uint32_t callee_params, VirtualMemory& vm,
                           const IsReturnAddress& is_return) {
  const uint32_t start = r.esp + callee_params + f.locals + f.saved_regs;
  for (unsigned i = 0; i < kRaSearchSlots; ++i) {
    const uint32_t at = start + 4 * i;
    auto v = read_u32(vm, at);
    if (!v.ok()) return v.error();
    // A 0 right where the frame data puts the return address ends the stack (the thread's first function).
    if (!is_return || is_return(*v) || (i == 0 && *v == 0)) return at;
  }
  return make_error(ErrorCode::NotPresent, "no return address in the " + std::to_string(kRaSearchSlots) +
                                               " slots from " + hex(start),
                    start);
}

}  // namespace

Result<X86Registers> run_fpo_program(std::string_view program, const X86Registers& callee, const X86FrameData& frame,
                                     uint32_t callee_params, VirtualMemory& stack, const IsReturnAddress& is_return) {
  X86Registers out = callee;
  // Operands on the stack: a value, or a name waiting for `=`.
  struct Operand {
    uint32_t value = 0;
    std::string_view name;
  };
  std::vector<Operand> st;
  std::vector<std::pair<std::string_view, uint32_t>> temporaries;
  bool assigned_eip = false, assigned_esp = false;
  auto value_of = [&](const Operand& o) -> Result<uint32_t> {
    if (o.name.empty()) return o.value;
    if (uint32_t* reg = register_named(out, o.name)) return *reg;
    for (const auto& [n, v] : temporaries) {
      if (n == o.name) return v;
    }
    if (o.name == ".raSearch") return ra_search(callee, frame, callee_params, stack, is_return);
    if (o.name == ".cbLocals") return frame.locals;
    if (o.name == ".cbParams") return frame.params;
    if (o.name == ".cbSavedRegs") return frame.saved_regs;
    if (o.name == ".cbProlog") return frame.prolog;
    return bad_program(program, "unknown name " + std::string(o.name));
  };
  size_t tokens = 0;
  for (size_t at = 0; at < program.size();) {
    while (at < program.size() && program[at] == ' ') ++at;
    if (at == program.size()) break;
    size_t end = at;
    while (end < program.size() && program[end] != ' ') ++end;
    const std::string_view token = program.substr(at, end - at);
    at = end;
    if (++tokens > kMaxTokens) return bad_program(program, "more than 256 tokens");
    const char c = token[0];
    if (token.size() == 1 && std::string_view("+-*/%@").find(c) != std::string_view::npos) {
      if (st.size() < 2) return bad_program(program, std::string("too few operands for ") + c);
      KDMP_TRY(b, value_of(st.back()));
      KDMP_TRY(a, value_of(st[st.size() - 2]));
      st.resize(st.size() - 2);
      uint32_t v = 0;
      switch (c) {
        case '+': v = a + b; break;
        case '-': v = a - b; break;
        case '*': v = a * b; break;
        case '/':
        case '%':
          if (b == 0) return bad_program(program, "division by 0");
          v = c == '/' ? a / b : a % b;
          break;
        case '@':
          if (b == 0 || (b & (b - 1)) != 0) return bad_program(program, "alignment " + std::to_string(b));
          v = a & ~(b - 1);
          break;
      }
      st.push_back({v, {}});
    } else if (token == "^") {
      if (st.empty()) return bad_program(program, "nothing to read for ^");
      KDMP_TRY(a, value_of(st.back()));
      KDMP_TRY(v, read_u32(stack, a));
      st.back() = {v, {}};
    } else if (token == "=") {
      if (st.size() < 2 || st[st.size() - 2].name.empty()) return bad_program(program, "= needs a name and a value");
      KDMP_TRY(v, value_of(st.back()));
      const std::string_view name = st[st.size() - 2].name;
      st.resize(st.size() - 2);
      if (uint32_t* reg = register_named(out, name)) {
        *reg = v;
        assigned_eip = assigned_eip || name == "$eip";
        assigned_esp = assigned_esp || name == "$esp";
      } else if (name[0] == '$') {
        auto it = temporaries.begin();
        while (it != temporaries.end() && it->first != name) ++it;
        if (it != temporaries.end()) it->second = v;
        else if (temporaries.size() < kMaxTemporaries) temporaries.emplace_back(name, v);
        else return bad_program(program, "too many temporaries");
      } else {
        return bad_program(program, "cannot assign to " + std::string(name));
      }
    } else if (c == '$' || c == '.') {
      st.push_back({0, token});
    } else {
      uint32_t v = 0;
      const bool negative = c == '-';
      auto [p, ec] = std::from_chars(token.data() + negative, token.data() + token.size(), v);
      if (ec != std::errc() || p != token.data() + token.size()) {
        return bad_program(program, "unknown token " + std::string(token.substr(0, 32)));
      }
      st.push_back({negative ? 0u - v : v, {}});
    }
    if (st.size() > kMaxDepth) return bad_program(program, "the operand stack is deeper than 32");
  }
  if (!assigned_eip || !assigned_esp) return bad_program(program, "it assigns no $eip or no $esp");
  return out;
}

Result<X86Registers> unwind_x86(const X86FrameTable& table, const X86FrameData& frame, uint32_t callee_params,
                                VirtualMemory& stack, const X86Registers& callee, const IsReturnAddress& is_return) {
  if (!frame.old_fpo) return run_fpo_program(table.program(frame), callee, frame, callee_params, stack, is_return);
  X86Registers r = callee;
  if (frame.uses_bp) {  // an EBP frame: {saved ebp, return address} at ebp
    KDMP_TRY(saved_ebp, read_u32(stack, callee.ebp));
    KDMP_TRY(ret, read_u32(stack, callee.ebp + 4));
    r.ebp = saved_ebp;
    r.eip = ret;
    r.esp = callee.ebp + 8;
    return r;
  }
  KDMP_TRY(slot, ra_search(callee, frame, callee_params, stack, is_return));
  KDMP_TRY(ret, read_u32(stack, slot));
  r.eip = ret;
  r.esp = slot + 4;
  return r;
}

}  // namespace kdmp
