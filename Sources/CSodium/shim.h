#ifndef MINDBEAT_CSODIUM_SHIM_H
#define MINDBEAT_CSODIUM_SHIM_H
#include <sodium.h>
#endif
