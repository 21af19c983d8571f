/* swiftgap._native: the descriptor calls of the loaded library, with their arguments read from Python objects,
 * the GIL released during each call. */
#include "native.h"

/* An argument of a library call: an address, or an integer. */
typedef union {
    void *address;
    int64_t integer;
} argument;

/* An address argument: an int, or None for NULL. */
int address_argument(PyObject *object, void **out) {
    if (object == Py_None) {
        *out = NULL;
        return 0;
    }
    *out = PyLong_AsVoidPtr(object);
    return (*out == NULL && PyErr_Occurred()) ? -1 : 0;
}

static void release_arrays(Py_buffer *views, Py_ssize_t count) {
    for (Py_ssize_t k = 0; k < count; k++) PyBuffer_Release(&views[k]);
}

/* The arguments of the library call `name`, converted as `format` says, a letter each: 'i' an integer; 'a' an
 * address — an int, None for NULL, or an object with a C-contiguous buffer (a numpy array: its data, without the
 * cost of taking its address in Python), held in `views` until `release_arrays(views, strlen(format))`. 0, or -1 with
 * the exception set and nothing held. */
static int read_arguments(PyObject *const *args, Py_ssize_t nargs, const char *format, const char *name,
                          argument *out, Py_buffer *views) {
    const Py_ssize_t expected = (Py_ssize_t)strlen(format);
    if (nargs != expected) {
        PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name, expected, nargs);
        return -1;
    }
    for (Py_ssize_t k = 0; k < expected; k++) views[k].obj = NULL;
    for (Py_ssize_t k = 0; k < expected; k++) {
        PyObject *object = args[k];
        int status;
        if (format[k] == 'i') {
            out[k].integer = PyLong_AsLongLong(object);
            status = (out[k].integer == -1 && PyErr_Occurred()) ? -1 : 0;
        } else if (object == Py_None || PyLong_Check(object)) {
            status = address_argument(object, &out[k].address);
        } else {
            status = PyObject_GetBuffer(object, &views[k], PyBUF_C_CONTIGUOUS);
            out[k].address = status == 0 ? views[k].buf : NULL;
        }
        if (status != 0) {
            release_arrays(views, k);
            return -1;
        }
    }
    return 0;
}

/* None after a call that succeeded, else NULL with SwiftGAPError carrying the library's message. */
static PyObject *finish(int32_t status, const char *error) {
    if (status != 0) {
        PyErr_SetString(error_class, error);
        return NULL;
    }
    Py_RETURN_NONE;
}

static int check_bound(void *function, const char *name) {
    if (function != NULL) return 0;
    PyErr_Format(error_class ? error_class : PyExc_RuntimeError,
                 "the loaded libSwiftGAPC has no %s: reinstall the package with `pip install ./python`", name);
    return -1;
}

/* rows(descriptor, systems, centers, local, features, threads, site_weights) -> (rows, row counts): the descriptor's
 * rows of `systems` at `centers` (None, or per system a list of atom indices and points, as `center_lists` makes
 * them) in a new (rows, features) float64 array, and the row count of each system (a list) — packing, the array and
 * the call in one, the GIL released during the call; a failure raises SwiftGAPError with the library's message.
 * `site_weights`: None, or a C-contiguous float64 array of every system's atom weights one after another (for a
 * descriptor pooled by site weights). */
PyObject *native_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "rows(descriptor, systems, centers, local, features, threads, site_weights)");
        return NULL;
    }
    if (check_bound(descriptor_rows_function, "swiftgap_descriptor_rows") != 0) return NULL;
    void *descriptor = PyLong_AsVoidPtr(args[0]);
    const int local = PyObject_IsTrue(args[3]);
    const Py_ssize_t features = PyLong_AsSsize_t(args[4]);
    const long threads = PyLong_AsLong(args[5]);
    if ((descriptor == NULL || local < 0 || features < 0 || threads == -1) && PyErr_Occurred()) return NULL;
    Py_buffer weights = {.obj = NULL, .buf = NULL};
    if (args[6] != Py_None) {
        if (PyObject_GetBuffer(args[6], &weights, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) return NULL;
        if (weights.itemsize != 8 || weights.format == NULL || strchr(weights.format, 'd') == NULL) {
            PyBuffer_Release(&weights);
            PyErr_SetString(PyExc_TypeError, "rows: site_weights must be a float64 array");
            return NULL;
        }
    }
    PyObject *input = pack_descriptor_input(args[1], args[2], local);
    if (input == NULL) {
        PyBuffer_Release(&weights);
        return NULL;
    }
    PyObject *row_counts = PyTuple_GET_ITEM(input, 7), *arguments = PyTuple_GET_ITEM(input, 2), *out = NULL;
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(row_counts); k++)
        total += PyLong_AsSsize_t(PyList_GET_ITEM(row_counts, k));
    PyObject *shape = Py_BuildValue("(nn)", total, features);
    out = shape ? PyObject_CallOneArg(numpy_empty, shape) : NULL;
    Py_XDECREF(shape);
    Py_buffer view;
    if (out == NULL || PyObject_GetBuffer(out, &view, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) != 0) {
        Py_XDECREF(out);
        Py_DECREF(input);
        PyBuffer_Release(&weights);
        return NULL;
    }
    /* The structures' five addresses (`arguments` after the count), then the points, the center counts and atoms, and
     * the row counts (`input` 3 to 6). */
    void *a[9];
    for (int k = 0; k < 9; k++) {
        PyObject *object = k < 5 ? PyTuple_GET_ITEM(arguments, k + 1) : PyTuple_GET_ITEM(input, k - 2);
        if (address_argument(object, &a[k]) != 0) {
            PyBuffer_Release(&view);
            Py_DECREF(out);
            Py_DECREF(input);
            PyBuffer_Release(&weights);
            return NULL;
        }
    }
    char error[ERROR_CAPACITY];
    int32_t status;
    const int64_t count = PyLong_AsLongLong(PyTuple_GET_ITEM(arguments, 0));
    Py_BEGIN_ALLOW_THREADS
    status = descriptor_rows_function(descriptor, count, a[0], a[1], a[2], a[3], a[4], a[6], a[7], a[5],
                                      weights.buf, (int32_t)threads, a[8], view.buf, error, ERROR_CAPACITY);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    PyBuffer_Release(&weights);
    PyObject *finished = finish(status, error);
    PyObject *result = finished ? PyTuple_Pack(2, out, row_counts) : NULL;
    Py_XDECREF(finished);
    Py_DECREF(out);
    Py_DECREF(input);
    return result;
}

/* descriptor_derivatives(descriptor, count, atoms, numbers, positions, cells, pbc, center_counts, center_atoms,
 * center_points, site_weights, attach, threads, fill, row_counts, rows, slot_of_atom, slots, derivatives):
 * swiftgap_descriptor_derivatives with arrays as addresses (ints, None for NULL) or numpy arrays (`read_arguments`),
 * the GIL released during the call; a failure raises SwiftGAPError with the library's message. */
PyObject *native_descriptor_derivatives(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    static const char *name = "swiftgap_descriptor_derivatives", *format = "aiaaaaaaaaaiiiaaaaa";
    argument a[19];
    Py_buffer views[19];
    if (check_bound(descriptor_derivatives_function, name) != 0 ||
        read_arguments(args, nargs, format, name, a, views) != 0)
        return NULL;
    char error[ERROR_CAPACITY];
    int32_t status;
    Py_BEGIN_ALLOW_THREADS
    status = descriptor_derivatives_function(
        a[0].address, a[1].integer, a[2].address, a[3].address, a[4].address, a[5].address, a[6].address,
        a[7].address, a[8].address, a[9].address, a[10].address, (int32_t)a[11].integer, (int32_t)a[12].integer,
        (int32_t)a[13].integer, a[14].address, a[15].address, a[16].address, a[17].address, a[18].address, error,
        ERROR_CAPACITY);
    Py_END_ALLOW_THREADS
    release_arrays(views, 19);
    return finish(status, error);
}
