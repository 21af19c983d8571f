/* swiftgap._native: centers read and checked — atom indices in every integer form, every atom in order taken as
 * no centers, the rest left to the descriptor's parser. */
#include "native.h"

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
PyObject *native_center_lists(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
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
    Py_ssize_t *atoms = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(count > 0 ? count : 1));
    if (atoms == NULL) return PyErr_NoMemory();
    PyObject *sequence = PySequence_Fast(centers, "centers are one sequence per system");
    PyObject *out = sequence ? PyList_New(count) : NULL;
    int every = 1;
    for (Py_ssize_t k = 0; out != NULL && k < count; k++) {
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
    Py_XDECREF(sequence);
    if (out != NULL && every) {
        Py_DECREF(out);
        Py_INCREF(Py_None);
        out = Py_None;
    }
    /* Systems whose centers are every atom in order get their list, now that some other system has centers. */
    for (Py_ssize_t k = 0; out != NULL && out != Py_None && k < count; k++) {
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
    PyMem_Free(atoms);
    return out;
}
