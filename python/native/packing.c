/* swiftgap._native: ASE structures packed into the flat arrays of the C ABI (swiftgap.h), with a descriptor's
 * centers; a cell's volume. */
#include "native.h"

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

/* The cell of `system` (its cell.array) as a C-contiguous 3 × 3 float64 array: 0, or -1 with the exception set (a
 * ValueError naming system `index` for another shape). */
static int read_cell(PyObject *system, Py_ssize_t index, Py_buffer *view, PyObject **converted) {
    *converted = NULL;
    PyObject *cell_object = PyObject_GetAttr(system, name_cell);
    PyObject *cell = cell_object ? PyObject_GetAttr(cell_object, name_array) : NULL;
    Py_XDECREF(cell_object);
    if (cell == NULL) return -1;
    const int status = read_array(cell, FLOAT64, 2, "cell", index, view, converted);
    Py_DECREF(cell);
    if (status != 0) return -1;
    if (view->shape[0] == 3 && view->shape[1] == 3) return 0;
    PyErr_Format(PyExc_ValueError, "system %zd: a cell of shape (%zd, %zd); expected (3, 3)", index, view->shape[0],
                 view->shape[1]);
    PyBuffer_Release(view);
    Py_CLEAR(*converted);
    return -1;
}

static int read_system(PyObject *system, Py_ssize_t index, struct system_arrays *s) {
    s->held = 0;
    PyObject *arrays = PyObject_GetAttr(system, name_arrays);
    if (arrays == NULL) return -1;
    PyObject *numbers = PyObject_GetItem(arrays, name_numbers);
    PyObject *positions = numbers ? PyObject_GetItem(arrays, name_positions) : NULL;
    Py_DECREF(arrays);
    PyObject *pbc = positions ? PyObject_GetAttr(system, name_pbc) : NULL;
    int status = -1;
    if (pbc != NULL && read_array(numbers, INT64, 1, "atomic numbers", index, &s->numbers, &s->owners[0]) == 0) {
        s->held = 1;
        if (read_array(positions, FLOAT64, 2, "positions", index, &s->positions, &s->owners[1]) == 0) {
            s->held = 2;
            if (read_cell(system, index, &s->cell, &s->owners[2]) == 0) {
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
    Py_XDECREF(pbc);
    if (status != 0) {
        release_system(s);
        return -1;
    }
    const Py_ssize_t atoms = s->numbers.shape[0];
    if (s->positions.shape[0] != atoms || s->positions.shape[1] != 3) {
        PyErr_Format(PyExc_ValueError, "system %zd: positions of shape (%zd, %zd) for %zd atoms; expected (%zd, 3)",
                     index, s->positions.shape[0], s->positions.shape[1], atoms, atoms);
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
PyObject *native_cell_volume(PyObject *module, PyObject *system) {
    Py_buffer view;
    PyObject *converted;
    if (read_cell(system, 0, &view, &converted) != 0) return NULL;
    const double *m = view.buf;
    PyObject *result = PyFloat_FromDouble(m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                                          m[2] * (m[3] * m[7] - m[4] * m[6]));
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

/* pack(systems, integers): `pack_structures`. */
PyObject *native_pack(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
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
PyObject *pack_descriptor_input(PyObject *systems, PyObject *centers, int local) {
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
    /* The center addresses as ints, None without centers. */
    PyObject *counts_at = with_centers ? PyLong_FromVoidPtr((void *)center_counts_address) : Py_None;
    PyObject *atoms_at = with_centers ? PyLong_FromVoidPtr((void *)center_atoms_address) : Py_None;
    if (counts_at != NULL && atoms_at != NULL)
        result = Py_BuildValue("(OOOOOOKO)", PyTuple_GET_ITEM(packed, 0), PyTuple_GET_ITEM(packed, 1), arguments,
                               PyTuple_GET_ITEM(packed, 3), counts_at, atoms_at, (unsigned long long)row_counts_address,
                               row_counts);
    if (with_centers) {
        Py_XDECREF(counts_at);
        Py_XDECREF(atoms_at);
    }
done:
    Py_XDECREF(integers);
    Py_XDECREF(center_counts);
    Py_XDECREF(packed);
    Py_XDECREF(row_counts);
    return result;
}

/* pack_centers(systems, centers, local) -> (buffer, atom counts, arguments, points, center counts' address, center
 * atoms' address, row counts' address, row counts): `pack_descriptor_input`. */
PyObject *native_pack_centers(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "pack_centers(systems, centers, local)");
        return NULL;
    }
    const int local = PyObject_IsTrue(args[2]);
    return local < 0 ? NULL : pack_descriptor_input(args[0], args[1], local);
}
