#include "CLibPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// Every libpq function used, resolved from libpq.so.5 with the types of libpq's own declarations.
#define RUNRA_PQ_FUNCTIONS(X)                                                                                        \
    X(PQconnectdbParams) X(PQfinish) X(PQpass) X(PQstatus) X(PQserverVersion) X(PQerrorMessage)                      \
    X(PQsetNoticeProcessor) X(PQexec) X(PQexecParams) X(PQgetResult) X(PQputCopyData) X(PQputCopyEnd)               \
    X(PQresultStatus) X(PQresultErrorMessage) X(PQresultErrorField) X(PQntuples) X(PQnfields) X(PQfname)             \
    X(PQcmdTuples) X(PQgetvalue) X(PQgetisnull) X(PQclear)

#define RUNRA_PQ_DECLARE(name) __typeof__(name) *name;
static struct { RUNRA_PQ_FUNCTIONS(RUNRA_PQ_DECLARE) } pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char failure[512];

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(failure, sizeof failure, "cannot load libpq (%s); install it with: apt-get install libpq5", dlerror());
        return;
    }
#define RUNRA_PQ_RESOLVE(name)                                                                                       \
    pq.name = (__typeof__(pq.name))dlsym(library, #name);                                                            \
    if (pq.name == NULL) {                                                                                           \
        snprintf(failure, sizeof failure, "libpq.so.5 has no %s: it is older than this program needs", #name);       \
        return;                                                                                                      \
    }
    RUNRA_PQ_FUNCTIONS(RUNRA_PQ_RESOLVE)
    loaded = 1;
}

int runra_pq_load(char *message, size_t size) {
    pthread_once(&once, load);
    if (loaded) return 0;
    if (message != NULL && size > 0) snprintf(message, size, "%s", failure);
    return -1;
}

PGconn *runra_PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname) {
    return pq.PQconnectdbParams(keywords, values, expand_dbname);
}
void runra_PQfinish(PGconn *conn) { pq.PQfinish(conn); }
char *runra_PQpass(const PGconn *conn) { return pq.PQpass(conn); }
ConnStatusType runra_PQstatus(const PGconn *conn) { return pq.PQstatus(conn); }
int runra_PQserverVersion(const PGconn *conn) { return pq.PQserverVersion(conn); }
char *runra_PQerrorMessage(const PGconn *conn) { return pq.PQerrorMessage(conn); }
PQnoticeProcessor runra_PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg) {
    return pq.PQsetNoticeProcessor(conn, proc, arg);
}
PGresult *runra_PQexec(PGconn *conn, const char *query) { return pq.PQexec(conn, query); }
PGresult *runra_PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                             const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                             int resultFormat) {
    return pq.PQexecParams(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat);
}
PGresult *runra_PQgetResult(PGconn *conn) { return pq.PQgetResult(conn); }
int runra_PQputCopyData(PGconn *conn, const char *buffer, int nbytes) { return pq.PQputCopyData(conn, buffer, nbytes); }
int runra_PQputCopyEnd(PGconn *conn, const char *errormsg) { return pq.PQputCopyEnd(conn, errormsg); }
ExecStatusType runra_PQresultStatus(const PGresult *res) { return pq.PQresultStatus(res); }
char *runra_PQresultErrorMessage(const PGresult *res) { return pq.PQresultErrorMessage(res); }
char *runra_PQresultErrorField(const PGresult *res, int fieldcode) { return pq.PQresultErrorField(res, fieldcode); }
int runra_PQntuples(const PGresult *res) { return pq.PQntuples(res); }
int runra_PQnfields(const PGresult *res) { return pq.PQnfields(res); }
char *runra_PQfname(const PGresult *res, int field_num) { return pq.PQfname(res, field_num); }
char *runra_PQcmdTuples(PGresult *res) { return pq.PQcmdTuples(res); }
char *runra_PQgetvalue(const PGresult *res, int tup_num, int field_num) { return pq.PQgetvalue(res, tup_num, field_num); }
int runra_PQgetisnull(const PGresult *res, int tup_num, int field_num) { return pq.PQgetisnull(res, tup_num, field_num); }
void runra_PQclear(PGresult *res) { pq.PQclear(res); }
