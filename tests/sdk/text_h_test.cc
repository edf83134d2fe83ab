#include <smartercities/text.h>  // compiles on its own
