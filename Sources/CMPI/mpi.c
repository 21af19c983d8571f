// SwiftGAP's C layer over MPI (see include/swiftgap_mpi.h).
#include "swiftgap_mpi.h"

#include <mpi.h>
#include <string.h>

// Largest element count of one MPI message: MPI counts are int.
static const int64_t chunk = (int64_t)1 << 30;

int swiftgap_mpi_init(void) {
    int provided = 0;
    int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (code == MPI_SUCCESS) MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return code;
}

int swiftgap_mpi_finalize(void) { return MPI_Finalize(); }

int swiftgap_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }

int swiftgap_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

int swiftgap_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

int swiftgap_mpi_send_doubles(const double *values, int64_t count, int destination, int tag) {
    for (int64_t start = 0; start < count; start += chunk) {
        int n = (int)(count - start < chunk ? count - start : chunk);
        int code = MPI_Send(values + start, n, MPI_DOUBLE, destination, tag, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

int swiftgap_mpi_receive_doubles(double *values, int64_t count, int source, int tag) {
    for (int64_t start = 0; start < count; start += chunk) {
        int n = (int)(count - start < chunk ? count - start : chunk);
        int code = MPI_Recv(values + start, n, MPI_DOUBLE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

int swiftgap_mpi_broadcast_bytes(void *bytes, int64_t count, int root) {
    for (int64_t start = 0; start < count; start += chunk) {
        int n = (int)(count - start < chunk ? count - start : chunk);
        int code = MPI_Bcast((char *)bytes + start, n, MPI_BYTE, root, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

int swiftgap_mpi_allreduce_min_int64(int64_t value, int64_t *result) {
    return MPI_Allreduce(&value, result, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
}

void swiftgap_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

void swiftgap_mpi_error_string(int code, char *buffer, int capacity) {
    if (capacity <= 0) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    if (length >= capacity) length = capacity - 1;
    memcpy(buffer, text, (size_t)length);
    buffer[length] = '\0';
}
