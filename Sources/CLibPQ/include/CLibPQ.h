#ifndef RUNRA_CLIBPQ_H
#define RUNRA_CLIBPQ_H

// libpq, loaded when first needed instead of at start-up: linking it pulls in some 25 shared libraries (OpenSSL,
// Kerberos, LDAP…), which cost every command about 6 ms before main, although only load-pg and the postgres
// exporter talk to PostgreSQL. The types and constants are libpq's own (libpq-dev's header); the functions are
// `runra_`-prefixed forwarders, so that libpq's calls to its own functions never bind to them.

#include <stddef.h>
#include <postgresql/libpq-fe.h>

/// Loads libpq.so.5 once. Returns 0; or -1 with the reason in `message` (a NUL-terminated string of at most `size`
/// bytes) when it cannot be loaded or lacks a function. Thread-safe. Call before any other function here.
int runra_pq_load(char *message, size_t size);

PGconn *runra_PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname);
void runra_PQfinish(PGconn *conn);
char *runra_PQpass(const PGconn *conn);
ConnStatusType runra_PQstatus(const PGconn *conn);
int runra_PQserverVersion(const PGconn *conn);
char *runra_PQerrorMessage(const PGconn *conn);
PQnoticeProcessor runra_PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg);
PGresult *runra_PQexec(PGconn *conn, const char *query);
PGresult *runra_PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                             const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                             int resultFormat);
PGresult *runra_PQgetResult(PGconn *conn);
int runra_PQputCopyData(PGconn *conn, const char *buffer, int nbytes);
int runra_PQputCopyEnd(PGconn *conn, const char *errormsg);
ExecStatusType runra_PQresultStatus(const PGresult *res);
char *runra_PQresultErrorMessage(const PGresult *res);
char *runra_PQresultErrorField(const PGresult *res, int fieldcode);
int runra_PQntuples(const PGresult *res);
int runra_PQnfields(const PGresult *res);
char *runra_PQfname(const PGresult *res, int field_num);
char *runra_PQcmdTuples(PGresult *res);
char *runra_PQgetvalue(const PGresult *res, int tup_num, int field_num);
int runra_PQgetisnull(const PGresult *res, int tup_num, int field_num);
void runra_PQclear(PGresult *res);

// PG_DIAG_* are character-literal macros ('C'); Swift does not import them.
static const int CLibPQ_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CLibPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLibPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CLibPQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CLibPQ_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CLibPQ_DIAG_CONTEXT = PG_DIAG_CONTEXT;

#endif
