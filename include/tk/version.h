#pragma once

namespace tk {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace tk
