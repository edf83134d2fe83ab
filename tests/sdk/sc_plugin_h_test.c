/* sc_plugin.h compiles on its own as C. */
#include <smartercities/sc_plugin.h>

int main(void) { return sizeof(sc_plugin_descriptor) > 0 ? 0 : 1; }
