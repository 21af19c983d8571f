/* swiftgap._native: the module, its method table and `bind` (see native.h). */
#include "native.h"

/* Attribute and key names, made once (the *String calls make a new string each time). */
PyObject *name_arrays, *name_numbers, *name_positions, *name_cell, *name_array, *name_pbc;

PyObject *error_class;
PyObject *as_contiguous;
PyTypeObject *numpy_integer;
PyObject *numpy_empty;
__typeof__(swiftgap_descriptor_rows) *descriptor_rows_function;
__typeof__(swiftgap_descriptor_derivatives) *descriptor_derivatives_function;

/* bind(error_class, contiguous, integer_type, empty, rows_address, derivatives_address): the exception type, the
 * conversion contiguous(array, dtype) -> a C-contiguous numpy array of the same dimensions, numpy's integer scalar
 * type (numpy.integer), numpy.empty, and the loaded library's two descriptor functions. */
static PyObject *bind(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyType_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "bind(error_class, contiguous, integer_type, empty, rows_address, derivatives_address)");
        return NULL;
    }
    void *rows, *derivatives;
    if (address_argument(args[4], &rows) != 0 || address_argument(args[5], &derivatives) != 0) return NULL;
    Py_INCREF(args[3]);
    Py_XSETREF(numpy_empty, args[3]);
    Py_INCREF(args[2]);
    Py_XSETREF(numpy_integer, (PyTypeObject *)args[2]);
    Py_INCREF(args[0]);
    Py_XSETREF(error_class, args[0]);
    Py_INCREF(args[1]);
    Py_XSETREF(as_contiguous, args[1]);
    descriptor_rows_function = (__typeof__(swiftgap_descriptor_rows) *)rows;
    descriptor_derivatives_function = (__typeof__(swiftgap_descriptor_derivatives) *)derivatives;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"bind", (PyCFunction)(void (*)(void))bind, METH_FASTCALL, "Binds the loaded library's functions."},
    {"pack", (PyCFunction)(void (*)(void))native_pack, METH_FASTCALL,
     "pack(systems, integers) -> (buffer, counts, arguments, points): ASE structures as the C ABI takes them."},
    {"center_lists", (PyCFunction)(void (*)(void))native_center_lists, METH_FASTCALL,
     "center_lists(systems, centers, parse) -> None or per system a list of centers (see _descriptor.center_lists)."},
    {"cell_volume", (PyCFunction)native_cell_volume, METH_O, "cell_volume(system) -> the signed volume of its cell."},
    {"pack_centers", (PyCFunction)(void (*)(void))native_pack_centers, METH_FASTCALL,
     "pack_centers(systems, centers, local) -> a descriptor's packed structures and centers, and where they are."},
    {"rows", (PyCFunction)(void (*)(void))native_rows, METH_FASTCALL,
     "rows(descriptor, systems, centers, local, features, threads, site_weights) -> (rows, row counts)."},
    {"descriptor_derivatives", (PyCFunction)(void (*)(void))native_descriptor_derivatives, METH_FASTCALL,
     "swiftgap_descriptor_derivatives with int addresses."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "swiftgap._native",
    "Packing of ASE structures and the descriptor calls of libSwiftGAPC, in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    PyObject **names[] = {&name_arrays, &name_numbers, &name_positions, &name_cell, &name_array, &name_pbc};
    const char *texts[] = {"arrays", "numbers", "positions", "cell", "array", "pbc"};
    for (int k = 0; k < 6; k++)
        if ((*names[k] = PyUnicode_InternFromString(texts[k])) == NULL) return NULL;
    return PyModule_Create(&module_definition);
}
