/* swiftgap._native, the package's C helper: what its parts share. The parts: `packing.c` (ASE structures into the
 * flat arrays of the C ABI, swiftgap.h, with a descriptor's centers), `centers.c` (centers read and checked),
 * `calls.c` (the descriptor calls), `module.c` (the module and `bind`). The library is the one the package loaded
 * with ctypes: `bind` receives its function addresses, so this module links against nothing but Python. Compiled
 * with hidden symbols: only the module's init function is exported. */
#ifndef SWIFTGAP_NATIVE_H
#define SWIFTGAP_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "swiftgap.h"

#define ERROR_CAPACITY 16384

/* Attribute and key names, made once (the *String calls make a new string each time). */
extern PyObject *name_arrays, *name_numbers, *name_positions, *name_cell, *name_array, *name_pbc;

/* What `bind` receives. */
extern PyObject *error_class;                                   /* swiftgap.errors.SwiftGAPError */
extern PyObject *as_contiguous;                                 /* swiftgap._library._contiguous */
extern PyTypeObject *numpy_integer;                             /* numpy.integer */
extern PyObject *numpy_empty;                                   /* numpy.empty */
extern __typeof__(swiftgap_descriptor_rows) *descriptor_rows_function;
extern __typeof__(swiftgap_descriptor_derivatives) *descriptor_derivatives_function;

/* packing.c */
PyObject *native_pack(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *native_pack_centers(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *native_cell_volume(PyObject *module, PyObject *system);
PyObject *pack_descriptor_input(PyObject *systems, PyObject *centers, int local);

/* centers.c */
PyObject *native_center_lists(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* calls.c */
PyObject *native_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *native_descriptor_derivatives(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
int address_argument(PyObject *object, void **out);

#endif
