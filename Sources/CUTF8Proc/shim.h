// utf8proc has no stable Swift API; MalTokenize wraps what it needs in Swift-named functions.
#include <utf8proc.h>
