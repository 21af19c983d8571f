/* swiftgap._native: the parts of a Python call that cost most per call when done with numpy and ctypes — packing
 * ASE structures into the flat arrays of the C ABI (swiftgap.h), and the descriptor calls themselves — done in C.
 * The library is the one the package loaded with ctypes: `bind` receives its function addresses, so this module
 * links against nothing but Python. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "swiftgap.h"

#define ERROR_CAPACITY 16384

/* Attribute and key names, made once (the *String calls make a new string each time). */
static PyObject *name_arrays, *name_numbers, *name_positions, *name_cell, *name_array, *name_pbc;

static PyObject *error_class;                                   /* swiftgap.errors.SwiftGAPError */
static PyObject *as_contiguous;                                 /* swiftgap._library._contiguous */
static PyTypeObject *numpy_integer;                             /* numpy.integer */
static PyObject *numpy_empty;                                   /* numpy.empty */
static __typeof__(swiftgap_descriptor_rows) *descriptor_rows_function;
static __typeof__(swiftgap_descriptor_derivatives) *descriptor_derivatives_function;

/* Element kinds of the packed arrays, with the buffer formats read without a conversion. */
enum kind { FLOAT64, INT64, FLAG };

static const char *kind_dtype(enum kind kind) {
    return kind == FLOAT64 ? "float64" : kind == INT64 ? "int64" : "bool";
}

static int format_matches(const char *format, Py_ssize_t itemsize, enum kind kind) {
    if (format == NULL) return 0;
    if (format[0] == '<' || format[0] == '=' || format[0] == '@') format++;
    if (format[0] == '\0' || format[1] != '\0') return 0;
    switch (kind) {
    case FLOAT64: return format[0] == 'd' && itemsize == 8;
    case INT64: return (format[0] == 'l' || format[0] == 'q') && itemsize == 8;
    case FLAG: return (format[0] == '?' || format[0] == 'B' || format[0] == 'b') && itemsize == 1;
    }
    return 0;
}

/* A view of `object` as a C-contiguous array of `kind` with `ndim` dimensions (converted by numpy when its buffer is
 * of another type or layout; `*converted` then owns the copy). 0 on success; -1 with a ValueError naming `what`. */
static int read_array(PyObject *object, enum kind kind, int ndim, const char *what, Py_ssize_t system, Py_buffer *view,
                      PyObject **converted) {
    *converted = NULL;
    const int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT;
    if (PyObject_GetBuffer(object, view, flags) == 0) {
        if (view->ndim == ndim && format_matches(view->format, view->itemsize, kind)) return 0;
        PyBuffer_Release(view);
    } else {
        PyErr_Clear();
    }
    *converted = PyObject_CallFunction(as_contiguous, "Os", object, kind_dtype(kind));
    if (*converted == NULL) {
        /* numpy's reason, as a ValueError naming the system and the array. */
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        PyErr_NormalizeException(&type, &value, &traceback);
        PyObject *reason = value ? PyObject_Str(value) : NULL;
        PyErr_Format(PyExc_ValueError, "system %zd: its %s cannot be read as %s (%S)", system, what, kind_dtype(kind),
                     reason ? reason : Py_None);
        Py_XDECREF(reason);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(traceback);
        return -1;
    }
    if (PyObject_GetBuffer(*converted, view, flags) != 0) {
        Py_CLEAR(*converted);
        return -1;
    }
    if (view->ndim != ndim || !format_matches(view->format, view->itemsize, kind)) {
        PyBuffer_Release(view);
        Py_CLEAR(*converted);
        PyErr_Format(PyExc_ValueError, "system %zd: its %s is not a %d-dimensional array of numbers", system, what,
                     ndim);
        return -1;
    }
    return 0;
}

/* One system's arrays, as ASE keeps them: arrays["numbers"], arrays["positions"], cell.array, pbc. */
struct system_arrays {
    Py_buffer numbers, positions, cell, pbc;
    PyObject *owners[4];  /* numpy conversions, when a buffer needed one */
    int held;             /* how many of the views are held */
};

static void release_system(struct system_arrays *s) {
    Py_buffer *views[4] = {&s->numbers, &s->positions, &s->cell, &s->pbc};
    for (int k = 0; k < s->held; k++) {
        PyBuffer_Release(views[k]);
        Py_XDECREF(s->owners[k]);
    }
    s->held = 0;
}

static int read_system(PyObject *system, Py_ssize_t index, struct system_arrays *s) {
    s->held = 0;
    PyObject *arrays = PyObject_GetAttr(system, name_arrays);
    if (arrays == NULL) return -1;
    PyObject *numbers = PyObject_GetItem(arrays, name_numbers);
    PyObject *positions = numbers ? PyObject_GetItem(arrays, name_positions) : NULL;
    Py_DECREF(arrays);
    PyObject *cell_object = positions ? PyObject_GetAttr(system, name_cell) : NULL;
    PyObject *cell = cell_object ? PyObject_GetAttr(cell_object, name_array) : NULL;
    Py_XDECREF(cell_object);
    PyObject *pbc = cell ? PyObject_GetAttr(system, name_pbc) : NULL;
    int status = -1;
    if (pbc != NULL && read_array(numbers, INT64, 1, "atomic numbers", index, &s->numbers, &s->owners[0]) == 0) {
        s->held = 1;
        if (read_array(positions, FLOAT64, 2, "positions", index, &s->positions, &s->owners[1]) == 0) {
            s->held = 2;
            if (read_array(cell, FLOAT64, 2, "cell", index, &s->cell, &s->owners[2]) == 0) {
                s->held = 3;
                if (read_array(pbc, FLAG, 1, "pbc", index, &s->pbc, &s->owners[3]) == 0) {
                    s->held = 4;
                    status = 0;
                }
            }
        }
    }
    Py_XDECREF(numbers);
    Py_XDECREF(positions);
    Py_XDECREF(cell);
    Py_XDECREF(pbc);
    if (status != 0) {
        release_system(s);
        return -1;
    }
    const Py_ssize_t atoms = s->numbers.shape[0];
    if (s->positions.shape[0] != atoms || s->positions.shape[1] != 3) {
        PyErr_Format(PyExc_ValueError, "system %zd: positions of shape (%zd, %zd) for %zd atoms; expected (%zd, 3)",
                     index, s->positions.shape[0], s->positions.shape[1], atoms, atoms);
    } else if (s->cell.shape[0] != 3 || s->cell.shape[1] != 3) {
        PyErr_Format(PyExc_ValueError, "system %zd: a cell of shape (%zd, %zd); expected (3, 3)", index,
                     s->cell.shape[0], s->cell.shape[1]);
    } else if (s->pbc.shape[0] != 3) {
        PyErr_Format(PyExc_ValueError, "system %zd: %zd periodicity flags; expected 3", index, s->pbc.shape[0]);
    } else {
        return 0;
    }
    release_system(s);
    return -1;
}

/* A point center (a sequence of three numbers) into `out`; -1 with a ValueError otherwise. */
static int read_point(PyObject *value, double *out) {
    PyObject *sequence = PySequence_Fast(value, "a center is an atom index or a point");
    if (sequence == NULL) return -1;
    int status = -1;
    if (PySequence_Fast_GET_SIZE(sequence) == 3) {
        status = 0;
        for (int axis = 0; axis < 3 && status == 0; axis++) {
            out[axis] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(sequence, axis));
            if (out[axis] == -1.0 && PyErr_Occurred()) status = -1;
        }
    } else {
        PyErr_Format(PyExc_ValueError, "a point center has three coordinates, not %zd",
                     PySequence_Fast_GET_SIZE(sequence));
    }
    Py_DECREF(sequence);
    return status;
}

/* cell_volume(system) -> float: the signed volume a · (b × c) of an ASE system's cell (numpy's det costs some 10 µs,
 * Python's arithmetic on the cell's list a few tenths: the periodic SOAP's check of every call). */
static PyObject *cell_volume(PyObject *module, PyObject *system) {
    PyObject *cell_object = PyObject_GetAttr(system, name_cell);
    PyObject *cell = cell_object ? PyObject_GetAttr(cell_object, name_array) : NULL;
    Py_XDECREF(cell_object);
    if (cell == NULL) return NULL;
    Py_buffer view;
    PyObject *converted;
    const int status = read_array(cell, FLOAT64, 2, "cell", 0, &view, &converted);
    Py_DECREF(cell);
    if (status != 0) return NULL;
    PyObject *result = NULL;
    if (view.shape[0] == 3 && view.shape[1] == 3) {
        const double *m = view.buf;
        result = PyFloat_FromDouble(m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                                    m[2] * (m[3] * m[7] - m[4] * m[6]));
    } else {
        PyErr_Format(PyExc_ValueError, "a cell of shape (%zd, %zd); expected (3, 3)", view.shape[0], view.shape[1]);
    }
    PyBuffer_Release(&view);
    Py_XDECREF(converted);
    return result;
}

/* pack(systems, integers) -> (buffer, counts, arguments, points).
 * One bytearray holds, in this order: int64 atom counts then the caller's `integers` (ints, and lists whose items
 * are put in their place: ints, and points — three numbers — as -1); float64 positions
 * (atoms × 3, every system's one after another) then cells (3 × 3 each); int32 atomic numbers; uint8 periodicity
 * flags; when the lists hold points, float64 points after the cells: per list item, its point, or zeros for an int.
 * `counts`: atoms per system (a list of ints); `arguments`: (count, the addresses of the atom counts, numbers,
 * positions, cells and flags), the leading arguments of the C ABI's calls on many structures; `points`: the address
 * of the points, or None. */
static PyObject *pack_structures(PyObject *systems_object, PyObject *integers_object) {
    PyObject *systems = PySequence_Fast(systems_object, "systems must be a sequence of ase.Atoms");
    if (systems == NULL) return NULL;
    PyObject *integers = PySequence_Fast(integers_object, "integers must be a sequence of ints");
    if (integers == NULL) {
        Py_DECREF(systems);
        return NULL;
    }
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(systems);
    /* Integers in all, items of the lists among them, and whether any of those is a point. */
    Py_ssize_t extra = 0, listed = 0, any_point = 0;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(integers); k++) {
        PyObject *item = PySequence_Fast_GET_ITEM(integers, k);
        if (!PyList_Check(item)) {
            extra++;
            continue;
        }
        for (Py_ssize_t a = 0; a < PyList_GET_SIZE(item); a++) any_point |= !PyLong_Check(PyList_GET_ITEM(item, a));
        extra += PyList_GET_SIZE(item);
        listed += PyList_GET_SIZE(item);
    }
    const Py_ssize_t point_count = any_point ? listed : 0;
    PyObject *result = NULL, *buffer = NULL, *counts = NULL;
    struct system_arrays local[4];
    struct system_arrays *read = count <= 4 ? local : PyMem_Calloc((size_t)count, sizeof(struct system_arrays));
    Py_ssize_t ready = 0, atoms = 0;
    if (read == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; ready < count; ready++) {
        if (read_system(PySequence_Fast_GET_ITEM(systems, ready), ready, &read[ready]) != 0) goto done;
        atoms += read[ready].numbers.shape[0];
    }
    const size_t integer_bytes = 8 * (size_t)(count + extra);
    const size_t float_bytes = 8 * (size_t)(3 * atoms + 9 * count + 3 * point_count);
    const size_t number_bytes = 4 * (size_t)atoms;
    buffer = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)(integer_bytes + float_bytes + number_bytes + 3 * count));
    counts = PyList_New(count);
    if (buffer == NULL || counts == NULL) goto done;
    char *base = PyByteArray_AS_STRING(buffer);
    int64_t *packed_integers = (int64_t *)base;
    double *positions = (double *)(base + integer_bytes);
    double *cells = positions + 3 * atoms, *points = cells + 9 * count, *point = points;
    int32_t *numbers = (int32_t *)(base + integer_bytes + float_bytes);
    uint8_t *pbc = (uint8_t *)(base + integer_bytes + float_bytes + number_bytes);
    double *position = positions;
    int32_t *number = numbers;
    for (Py_ssize_t k = 0; k < count; k++) {
        const struct system_arrays *s = &read[k];
        const Py_ssize_t n = s->numbers.shape[0];
        packed_integers[k] = n;
        PyObject *n_object = PyLong_FromSsize_t(n);
        if (n_object == NULL) goto done;
        PyList_SET_ITEM(counts, k, n_object);
        const int64_t *z = s->numbers.buf;
        for (Py_ssize_t a = 0; a < n; a++) {
            if (z[a] < INT32_MIN || z[a] > INT32_MAX) {
                PyErr_Format(PyExc_ValueError, "system %zd: atom %zd has atomic number %lld", k, a, (long long)z[a]);
                goto done;
            }
            number[a] = (int32_t)z[a];
        }
        number += n;
        memcpy(position, s->positions.buf, 24 * (size_t)n);
        position += 3 * n;
        memcpy(cells + 9 * k, s->cell.buf, 72);
        const uint8_t *flags = s->pbc.buf;
        for (int axis = 0; axis < 3; axis++) pbc[3 * k + axis] = flags[axis] != 0;
    }
    int64_t *integer = packed_integers + count;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(integers); k++) {
        PyObject *item = PySequence_Fast_GET_ITEM(integers, k);
        if (!PyList_Check(item)) {
            *integer = PyLong_AsLongLong(item);
            if (*integer++ == -1 && PyErr_Occurred()) goto done;
            continue;
        }
        for (Py_ssize_t a = 0; a < PyList_GET_SIZE(item); a++) {
            PyObject *value = PyList_GET_ITEM(item, a);
            if (PyLong_Check(value)) {
                *integer = PyLong_AsLongLong(value);
                if (*integer++ == -1 && PyErr_Occurred()) goto done;
                if (any_point) for (int axis = 0; axis < 3; axis++) *point++ = 0;
                continue;
            }
            *integer++ = -1;
            if (read_point(value, point) != 0) goto done;
            point += 3;
        }
    }
    PyObject *points_address = any_point ? PyLong_FromVoidPtr(points) : (Py_INCREF(Py_None), Py_None);
    if (points_address == NULL) goto done;
    result = Py_BuildValue("(OO(nKKKKK)N)", buffer, counts, count, (unsigned long long)(uintptr_t)packed_integers,
                           (unsigned long long)(uintptr_t)numbers, (unsigned long long)(uintptr_t)positions,
                           (unsigned long long)(uintptr_t)cells, (unsigned long long)(uintptr_t)pbc, points_address);
done:
    for (Py_ssize_t k = 0; k < ready; k++) release_system(&read[k]);
    if (read != local) PyMem_Free(read);
    Py_XDECREF(buffer);
    Py_XDECREF(counts);
    Py_DECREF(systems);
    Py_DECREF(integers);
    return result;
}

static PyObject *pack(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "pack(systems, integers)");
        return NULL;
    }
    return pack_structures(args[0], args[1]);
}

/* A descriptor's structures and centers packed (`pack_structures`), with where its call finds them: a tuple (buffer,
 * atom counts, arguments, points, center counts' address, center atoms' address, row counts' address, row counts),
 * the center addresses None without centers. `centers`: None, or per system a list of atom indices and points (as
 * `center_lists` makes them). The integers after the atom counts: the center counts and the centers, then for a
 * global descriptor (`local` 0) its row counts (ones); a local one's row counts are its center counts, or its atom
 * counts. */
static PyObject *pack_descriptor_input(PyObject *systems, PyObject *centers, int local) {
    const Py_ssize_t count = PyObject_Length(systems);
    if (count < 0) return NULL;
    const int with_centers = centers != Py_None;
    if (with_centers && (!PyList_Check(centers) || PyList_GET_SIZE(centers) != count)) {
        PyErr_SetString(PyExc_ValueError, "centers: one list per system");
        return NULL;
    }
    PyObject *integers = PyList_New(0), *center_counts = with_centers ? PyList_New(count) : NULL;
    PyObject *packed = NULL, *result = NULL, *row_counts = NULL;
    if (integers == NULL || (with_centers && center_counts == NULL)) goto done;
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; with_centers && k < count; k++) {
        PyObject *list = PyList_GET_ITEM(centers, k);
        if (!PyList_Check(list)) {
            PyErr_SetString(PyExc_ValueError, "centers: one list per system");
            goto done;
        }
        PyObject *n = PyLong_FromSsize_t(PyList_GET_SIZE(list));
        if (n == NULL) goto done;
        PyList_SET_ITEM(center_counts, k, n);
        total += PyList_GET_SIZE(list);
        if (PyList_Append(integers, n) != 0) goto done;
    }
    for (Py_ssize_t k = 0; with_centers && k < count; k++)
        if (PyList_Append(integers, PyList_GET_ITEM(centers, k)) != 0) goto done;
    PyObject *one = PyLong_FromLong(1);
    for (Py_ssize_t k = 0; one != NULL && !local && k < count; k++)
        if (PyList_Append(integers, one) != 0) Py_CLEAR(one);
    if (one == NULL) goto done;
    Py_DECREF(one);
    if ((packed = pack_structures(systems, integers)) == NULL) goto done;
    PyObject *arguments = PyTuple_GET_ITEM(packed, 2);
    const uintptr_t counts = (uintptr_t)PyLong_AsVoidPtr(PyTuple_GET_ITEM(arguments, 1));
    const uintptr_t center_counts_address = counts + 8 * (uintptr_t)count;
    const uintptr_t center_atoms_address = center_counts_address + 8 * (uintptr_t)count;
    uintptr_t row_counts_address;
    if (!local) {
        row_counts_address = with_centers ? center_atoms_address + 8 * (uintptr_t)total : center_counts_address;
        row_counts = PyList_GetSlice(integers, PyList_GET_SIZE(integers) - count, PyList_GET_SIZE(integers));
    } else if (!with_centers) {
        row_counts_address = counts;
        row_counts = PyTuple_GET_ITEM(packed, 1);
        Py_INCREF(row_counts);
    } else {
        row_counts_address = center_counts_address;
        row_counts = center_counts;
        Py_INCREF(row_counts);
    }
    if (row_counts == NULL) goto done;
    if (with_centers)
        result = Py_BuildValue("(OOOOKKKO)", PyTuple_GET_ITEM(packed, 0), PyTuple_GET_ITEM(packed, 1), arguments,
                               PyTuple_GET_ITEM(packed, 3), (unsigned long long)center_counts_address,
                               (unsigned long long)center_atoms_address, (unsigned long long)row_counts_address,
                               row_counts);
    else
        result = Py_BuildValue("(OOOOOOKO)", PyTuple_GET_ITEM(packed, 0), PyTuple_GET_ITEM(packed, 1), arguments,
                               PyTuple_GET_ITEM(packed, 3), Py_None, Py_None, (unsigned long long)row_counts_address,
                               row_counts);
done:
    Py_XDECREF(integers);
    Py_XDECREF(center_counts);
    Py_XDECREF(packed);
    Py_XDECREF(row_counts);
    return result;
}

/* pack_centers(systems, centers, local) -> (buffer, atom counts, arguments, points, center counts' address, center
 * atoms' address, row counts' address, row counts): `pack_descriptor_input`. */
static PyObject *pack_centers(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "pack_centers(systems, centers, local)");
        return NULL;
    }
    const int local = PyObject_IsTrue(args[2]);
    return local < 0 ? NULL : pack_descriptor_input(args[0], args[1], local);
}

/* An argument of a library call: an address, or an integer. */
typedef union {
    void *address;
    int64_t integer;
} argument;

/* An address argument: an int, or None for NULL. */
static int address_argument(PyObject *object, void **out) {
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

/* descriptor_rows(descriptor, count, atoms, numbers, positions, cells, pbc, center_counts, center_atoms,
 * center_points, threads, row_counts, out): swiftgap_descriptor_rows with arrays as addresses (ints, None for NULL)
 * or numpy arrays, the GIL released during the call; a failure raises SwiftGAPError with the library's message. */
static PyObject *descriptor_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    static const char *name = "swiftgap_descriptor_rows", *format = "aiaaaaaaaaiaa";
    argument a[13];
    Py_buffer views[13];
    if (check_bound(descriptor_rows_function, name) != 0 || read_arguments(args, nargs, format, name, a, views) != 0)
        return NULL;
    char error[ERROR_CAPACITY];
    int32_t status;
    Py_BEGIN_ALLOW_THREADS
    status = descriptor_rows_function(a[0].address, a[1].integer, a[2].address, a[3].address, a[4].address,
                                      a[5].address, a[6].address, a[7].address, a[8].address, a[9].address,
                                      (int32_t)a[10].integer, a[11].address, a[12].address, error, ERROR_CAPACITY);
    Py_END_ALLOW_THREADS
    release_arrays(views, 13);
    return finish(status, error);
}

/* An address argument: an int, or None for NULL. */
static void *address_of(PyObject *object) { return object == Py_None ? NULL : PyLong_AsVoidPtr(object); }

/* rows(descriptor, systems, centers, local, features, threads) -> (rows, row counts): the descriptor's rows of
 * `systems` at `centers` (None, or per system a list of atom indices and points, as `center_lists` makes them) in a
 * new (rows, features) float64 array, and the row count of each system (a list) — packing, the array and the call in
 * one, the GIL released during the call; a failure raises SwiftGAPError with the library's message. */
static PyObject *rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "rows(descriptor, systems, centers, local, features, threads)");
        return NULL;
    }
    if (check_bound(descriptor_rows_function, "swiftgap_descriptor_rows") != 0) return NULL;
    void *descriptor = PyLong_AsVoidPtr(args[0]);
    const int local = PyObject_IsTrue(args[3]);
    const Py_ssize_t features = PyLong_AsSsize_t(args[4]);
    const long threads = PyLong_AsLong(args[5]);
    if ((descriptor == NULL || local < 0 || features < 0 || threads == -1) && PyErr_Occurred()) return NULL;
    PyObject *input = pack_descriptor_input(args[1], args[2], local);
    if (input == NULL) return NULL;
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
        return NULL;
    }
    char error[ERROR_CAPACITY];
    int32_t status;
    const int64_t count = PyLong_AsLongLong(PyTuple_GET_ITEM(arguments, 0));
    void *addresses[5];
    for (int k = 0; k < 5; k++) addresses[k] = address_of(PyTuple_GET_ITEM(arguments, k + 1));
    void *points = address_of(PyTuple_GET_ITEM(input, 3)), *center_counts = address_of(PyTuple_GET_ITEM(input, 4));
    void *center_atoms = address_of(PyTuple_GET_ITEM(input, 5)), *counts = address_of(PyTuple_GET_ITEM(input, 6));
    Py_BEGIN_ALLOW_THREADS
    status = descriptor_rows_function(descriptor, count, addresses[0], addresses[1], addresses[2], addresses[3],
                                      addresses[4], center_counts, center_atoms, points, (int32_t)threads, counts,
                                      view.buf, error, ERROR_CAPACITY);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    PyObject *result = status == 0 ? PyTuple_Pack(2, out, row_counts) : NULL;
    if (status != 0) PyErr_SetString(error_class, error);
    Py_DECREF(out);
    Py_DECREF(input);
    return result;
}

/* descriptor_derivatives(descriptor, count, atoms, numbers, positions, cells, pbc, center_counts, center_atoms,
 * center_points, attach, threads, fill, row_counts, rows, slot_of_atom, slots, derivatives): as descriptor_rows, for
 * swiftgap_descriptor_derivatives. */
static PyObject *descriptor_derivatives(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    static const char *name = "swiftgap_descriptor_derivatives", *format = "aiaaaaaaaaiiiaaaaa";
    argument a[18];
    Py_buffer views[18];
    if (check_bound(descriptor_derivatives_function, name) != 0 ||
        read_arguments(args, nargs, format, name, a, views) != 0)
        return NULL;
    char error[ERROR_CAPACITY];
    int32_t status;
    Py_BEGIN_ALLOW_THREADS
    status = descriptor_derivatives_function(
        a[0].address, a[1].integer, a[2].address, a[3].address, a[4].address, a[5].address, a[6].address,
        a[7].address, a[8].address, a[9].address, (int32_t)a[10].integer, (int32_t)a[11].integer,
        (int32_t)a[12].integer, a[13].address, a[14].address, a[15].address, a[16].address, a[17].address, error,
        ERROR_CAPACITY);
    Py_END_ALLOW_THREADS
    release_arrays(views, 18);
    return finish(status, error);
}

/* One center `value` (the item `item`, for the message, when it came from a list; else printed as a number) of a
 * system of n atoms, counted from the end when negative, into `out`; -1 with an IndexError when out of bounds. */
static int store_index(long long value, int overflow, PyObject *item, Py_ssize_t n, PyObject *list, Py_ssize_t k) {
    if (overflow != 0 || value < -(long long)n || value >= (long long)n) {
        if (item != NULL)
            PyErr_Format(PyExc_IndexError, "index %S is out of bounds for a system of %zd atoms", item, n);
        else
            PyErr_Format(PyExc_IndexError, "index %lld is out of bounds for a system of %zd atoms", value, n);
        return -1;
    }
    PyObject *index = PyLong_FromLongLong(value < 0 ? value + n : value);
    if (index == NULL) return -1;
    PyList_SET_ITEM(list, k, index);
    return 0;
}

/* The elements of a one-dimensional buffer of integers, or -2 (nothing raised) when `view` is not one. */
static int buffer_indices(Py_buffer *view, Py_ssize_t n, PyObject **out) {
    const char *format = view->format ? view->format : "B";
    if (format[0] == '<' || format[0] == '=' || format[0] == '@') format++;
    if (view->ndim != 1 || format[0] == '\0' || format[1] != '\0' || strchr("bBhHiIlLqQ", format[0]) == NULL ||
        view->shape[0] == 0)
        return -2;
    const int is_signed = strchr("bhilq", format[0]) != NULL;
    const Py_ssize_t count = view->shape[0], step = view->strides ? view->strides[0] : view->itemsize;
    if ((*out = PyList_New(count)) == NULL) return -1;
    for (Py_ssize_t k = 0; k < count; k++) {
        const char *p = (const char *)view->buf + k * step;
        long long value = 0;
        int overflow = 0;
        switch (view->itemsize) {
        case 1: value = is_signed ? (long long)*(const int8_t *)p : (long long)*(const uint8_t *)p; break;
        case 2: value = is_signed ? (long long)*(const int16_t *)p : (long long)*(const uint16_t *)p; break;
        case 4: value = is_signed ? (long long)*(const int32_t *)p : (long long)*(const uint32_t *)p; break;
        case 8:
            if (is_signed) {
                value = *(const int64_t *)p;
            } else {
                const uint64_t u = *(const uint64_t *)p;
                overflow = u > (uint64_t)INT64_MAX;
                value = (long long)u;
            }
            break;
        default: Py_CLEAR(*out); return -2;
        }
        if (overflow != 0) {
            PyErr_Format(PyExc_IndexError, "index %llu is out of bounds for a system of %zd atoms",
                         (unsigned long long)value, n);
            Py_CLEAR(*out);
            return -1;
        }
        if (store_index(value, 0, NULL, n, *out, k) != 0) {
            Py_CLEAR(*out);
            return -1;
        }
    }
    return 0;
}

/* The centers of a system of n atoms when they are atom indices (a non-empty list or tuple of Python or numpy
 * integers, not bools, or a one-dimensional integer array, not bytes), counted from the end when negative, checked
 * (IndexError): a new list of ints; None (a new reference) for anything else (points, mixed or malformed centers: the
 * caller's general path); NULL with the exception set. */
static PyObject *read_atom_indices(PyObject *centers, Py_ssize_t n) {
    PyObject *out = NULL;
    if (!PyList_Check(centers) && !PyTuple_Check(centers)) {
        Py_buffer view;
        if (PyBytes_Check(centers) || PyByteArray_Check(centers) || !PyObject_CheckBuffer(centers) ||
            PyObject_GetBuffer(centers, &view, PyBUF_FORMAT | PyBUF_STRIDES) != 0) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        const int status = buffer_indices(&view, n, &out);
        PyBuffer_Release(&view);
        if (status == -2) Py_RETURN_NONE;
        return status == 0 ? out : NULL;
    }
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(centers);
    PyObject **items = PySequence_Fast_ITEMS(centers);
    if (count == 0) Py_RETURN_NONE;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = items[k];
        if (!PyLong_CheckExact(item) && !(numpy_integer != NULL && PyObject_TypeCheck(item, numpy_integer)))
            Py_RETURN_NONE;
    }
    if ((out = PyList_New(count)) == NULL) return NULL;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = items[k], *number = PyNumber_Index(item);
        int overflow = 0;
        const long long value = number ? PyLong_AsLongLongAndOverflow(number, &overflow) : -1;
        Py_XDECREF(number);
        if (number == NULL || (value == -1 && PyErr_Occurred()) || store_index(value, overflow, item, n, out, k) != 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* atom_indices(centers, n) -> list of ints, or None: `read_atom_indices`. */
static PyObject *atom_indices(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "atom_indices(centers, n_atoms)");
        return NULL;
    }
    const Py_ssize_t n = PyLong_AsSsize_t(args[1]);
    if (n == -1 && PyErr_Occurred()) return NULL;
    return read_atom_indices(args[0], n);
}

/* Whether `list` (a list of ints) is 0, 1, …, n − 1. */
static int every_atom_in_order(PyObject *list, Py_ssize_t n) {
    if (PyList_GET_SIZE(list) != n) return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (PyLong_AsSsize_t(PyList_GET_ITEM(list, k)) != k) return 0;
    return 1;
}

/* One system's centers for `center_lists`: None (a new reference) for every atom in order — range(n) or a list of
 * indices 0 … n − 1 —, a list of ints for other atom indices, else what parse(n, centers) returns. */
static PyObject *system_centers(PyObject *centers, Py_ssize_t n, PyObject *parse) {
    if (PyRange_Check(centers)) {
        PyObject *every = PyObject_CallFunction((PyObject *)&PyRange_Type, "n", n);
        const int same = every ? PyObject_RichCompareBool(centers, every, Py_EQ) : -1;
        Py_XDECREF(every);
        if (same < 0) return NULL;
        if (same) Py_RETURN_NONE;
        return PyObject_CallFunction(parse, "nO", n, centers);
    }
    PyObject *indices = read_atom_indices(centers, n);
    if (indices == Py_None) {
        Py_DECREF(indices);
        return PyObject_CallFunction(parse, "nO", n, centers);
    }
    if (indices != NULL && every_atom_in_order(indices, n)) {
        Py_DECREF(indices);
        Py_RETURN_NONE;
    }
    return indices;
}

/* center_lists(systems, centers, parse): every system's centers for the library (see `_descriptor.center_lists`). */
static PyObject *center_lists(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "center_lists(systems: list, centers, parse)");
        return NULL;
    }
    PyObject *systems = args[0], *centers = args[1], *parse = args[2];
    if (centers == Py_None) Py_RETURN_NONE;
    const Py_ssize_t count = PyList_GET_SIZE(systems), given = PyObject_Length(centers);
    if (given < 0) return NULL;
    if (given != count) {
        PyErr_SetString(PyExc_ValueError, "The given number of centers does not match the given number of systems.");
        return NULL;
    }
    PyObject *sequence = PySequence_Fast(centers, "centers are one sequence per system");
    if (sequence == NULL) return NULL;
    PyObject *out = PyList_New(count);
    Py_ssize_t *atoms = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(count > 0 ? count : 1));
    int every = 1;
    for (Py_ssize_t k = 0; out != NULL && atoms != NULL && k < count; k++) {
        /* len(system.arrays["positions"]): len(Atoms) without its method call. */
        PyObject *arrays = PyObject_GetAttr(PyList_GET_ITEM(systems, k), name_arrays);
        PyObject *positions = arrays ? PyObject_GetItem(arrays, name_positions) : NULL;
        atoms[k] = positions ? PyObject_Length(positions) : -1;
        Py_XDECREF(positions);
        Py_XDECREF(arrays);
        PyObject *parsed = atoms[k] < 0 ? NULL : system_centers(PySequence_Fast_GET_ITEM(sequence, k), atoms[k], parse);
        if (parsed == NULL) {
            Py_CLEAR(out);
            break;
        }
        every = every && parsed == Py_None;
        PyList_SET_ITEM(out, k, parsed);
    }
    Py_DECREF(sequence);
    if (out != NULL && atoms != NULL && every) {
        Py_DECREF(out);
        Py_INCREF(Py_None);
        out = Py_None;
    }
    /* Systems whose centers are every atom in order get their list, now that some other system has centers. */
    for (Py_ssize_t k = 0; out != NULL && out != Py_None && atoms != NULL && k < count; k++) {
        if (PyList_GET_ITEM(out, k) != Py_None) continue;
        PyObject *list = PyList_New(atoms[k]);
        for (Py_ssize_t a = 0; list != NULL && a < atoms[k]; a++) {
            PyObject *index = PyLong_FromSsize_t(a);
            if (index == NULL) Py_CLEAR(list);
            else PyList_SET_ITEM(list, a, index);
        }
        if (list == NULL) {
            Py_CLEAR(out);
            break;
        }
        Py_DECREF(Py_None);
        PyList_SET_ITEM(out, k, list);
    }
    if (atoms == NULL) {
        Py_XDECREF(out);
        PyMem_Free(atoms);
        return PyErr_NoMemory();
    }
    PyMem_Free(atoms);
    return out;
}

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
    {"pack", (PyCFunction)(void (*)(void))pack, METH_FASTCALL,
     "pack(systems, integers) -> (buffer, counts, arguments, points): ASE structures as the C ABI takes them."},
    {"atom_indices", (PyCFunction)(void (*)(void))atom_indices, METH_FASTCALL,
     "atom_indices(centers, n_atoms) -> list of ints (checked, negative ones from the end), or None for others."},
    {"center_lists", (PyCFunction)(void (*)(void))center_lists, METH_FASTCALL,
     "center_lists(systems, centers, parse) -> None or per system a list of centers (see _descriptor.center_lists)."},
    {"cell_volume", (PyCFunction)cell_volume, METH_O, "cell_volume(system) -> the signed volume of its cell."},
    {"pack_centers", (PyCFunction)(void (*)(void))pack_centers, METH_FASTCALL,
     "pack_centers(systems, centers, local) -> a descriptor's packed structures and centers, and where they are."},
    {"rows", (PyCFunction)(void (*)(void))rows, METH_FASTCALL,
     "rows(descriptor, systems, centers, local, features, threads) -> (rows, row counts)."},
    {"descriptor_rows", (PyCFunction)(void (*)(void))descriptor_rows, METH_FASTCALL,
     "swiftgap_descriptor_rows with int addresses."},
    {"descriptor_derivatives", (PyCFunction)(void (*)(void))descriptor_derivatives, METH_FASTCALL,
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
