// The shuffles are inline functions of include/swiftgap_shuffles.h; a C target needs one source file.
#include "swiftgap_shuffles.h"
