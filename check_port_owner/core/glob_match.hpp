// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace port_owner {

// Whether `text` matches the shell pattern `pattern`, the way fnmatch(pattern, text, 0) decides it
// in the C locale: '*' any run of bytes ('/' and a leading '.' included), '?' any one byte,
// "[...]" one byte of a set (ranges "a-z", classes "[:digit:]", negated by a leading '!' or '^';
// an unclosed '[' is an ordinary byte), and '\' makes the next byte ordinary. A trailing lone '\'
// matches nothing, like an unknown class name. Collating symbols ("[.x.]") and equivalence
// classes ("[=x=]") have no meaning here: their bytes are ordinary set members. Written here rather
// than calling fnmatch so that an exe: pattern means the same on every platform; tests compare it
// with the C library.
bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace port_owner
