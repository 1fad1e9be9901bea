#ifndef RUNRA_CLIBPQ_SHIM_H
#define RUNRA_CLIBPQ_SHIM_H
#include <libpq-fe.h>

// PG_DIAG_* are character-literal macros ('C'); Swift does not import them.
static const int CLibPQ_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CLibPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLibPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CLibPQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CLibPQ_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CLibPQ_DIAG_CONTEXT = PG_DIAG_CONTEXT;
#endif
