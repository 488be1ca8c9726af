#include "kdmp/text.hpp"

namespace kdmp {

std::string printable_text(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return text;
}

}  // namespace kdmp
