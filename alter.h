/*
 * alter.h: transitional, for the command files until they include util.h
 * and store.h themselves.  Delete at merge.
 */
#include "util.h"
#include "store.h"
