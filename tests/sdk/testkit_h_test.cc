#include <smartercities/testkit.h>  // compiles on its own
