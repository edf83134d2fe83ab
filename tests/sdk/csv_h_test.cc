#include <smartercities/csv.h>  // compiles on its own
