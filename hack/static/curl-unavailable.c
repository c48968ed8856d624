/*
 * Linked into the static quartermaster binary only (hack/build-static.sh), never into the
 * normal dynamic build.
 *
 * Debian's libcurl.a (libcurl4-openssl-dev) is built with GSS-API (MIT Kerberos), RTMP and LDAP.
 * Debian ships no static archive of MIT Kerberos, and librtmp.a and libldap.a need GnuTLS, whose
 * libgnutls.a needs p11-kit, which has no static archive either. Quartermaster only speaks
 * HTTP(S) to the Kubernetes API server with basic, bearer-token or client-certificate auth, so
 * those three features are left out of the static binary: the symbols libcurl.a references are
 * defined here, and every entry point fails the way the real library fails when it cannot do
 * the job (no allocation, no connection, an error status), so reaching one would be a curl
 * error, never a crash. None is reachable: KubeClient refuses kubeconfig servers that are not
 * http or https URLs, and never enables Negotiate (SPNEGO/Kerberos) authentication.
 *
 * The prototypes follow RFC 2744 (GSS-API C bindings), librtmp's rtmp.h and OpenLDAP's ldap.h;
 * their headers are not needed (libkrb5-dev is not even installed for the static build).
 */
#include <stddef.h>
#include <stdint.h>

/* ---------- GSS-API (RFC 2744): every call reports GSS_S_UNAVAILABLE ---------- */

typedef uint32_t OM_uint32;
typedef struct { OM_uint32 length; void *elements; } gss_OID_desc;
typedef struct { size_t length; void *value; } gss_buffer_desc;

#define GSS_S_COMPLETE 0u
#define GSS_S_UNAVAILABLE (16u << 16)

static gss_OID_desc unavailable_oid = {0, NULL};
/* MIT exports this as a data symbol (gss_OID); curl passes it to gss_import_name. */
void *GSS_C_NT_HOSTBASED_SERVICE = &unavailable_oid;

static OM_uint32 gss_unavailable(OM_uint32 *minor_status) {
    if (minor_status) *minor_status = 0;
    return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_import_name(OM_uint32 *minor, const gss_buffer_desc *name, const gss_OID_desc *type,
                          void **output_name) {
    (void)name; (void)type;
    if (output_name) *output_name = NULL;
    return gss_unavailable(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *cred, void **context, void *target,
                               const gss_OID_desc *mech, OM_uint32 req_flags, OM_uint32 time_req,
                               const void *bindings, const gss_buffer_desc *input,
                               gss_OID_desc **actual_mech, gss_buffer_desc *output,
                               OM_uint32 *ret_flags, OM_uint32 *time_rec) {
    (void)cred; (void)context; (void)target; (void)mech; (void)req_flags; (void)time_req;
    (void)bindings; (void)input;
    if (actual_mech) *actual_mech = NULL;
    if (output) { output->length = 0; output->value = NULL; }
    if (ret_flags) *ret_flags = 0;
    if (time_rec) *time_rec = 0;
    return gss_unavailable(minor);
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **context, gss_buffer_desc *output) {
    if (context) *context = NULL;
    if (output) { output->length = 0; output->value = NULL; }
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_display_name(OM_uint32 *minor, void *name, gss_buffer_desc *output, gss_OID_desc **type) {
    (void)name;
    if (output) { output->length = 0; output->value = NULL; }
    if (type) *type = NULL;
    return gss_unavailable(minor);
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int status_type, const gss_OID_desc *mech,
                             OM_uint32 *message_context, gss_buffer_desc *status_string) {
    (void)status; (void)status_type; (void)mech;
    if (message_context) *message_context = 0;
    if (status_string) { status_string->length = 0; status_string->value = NULL; }
    return gss_unavailable(minor);
}

OM_uint32 gss_inquire_context(OM_uint32 *minor, void *context, void **src_name, void **targ_name,
                              OM_uint32 *lifetime, gss_OID_desc **mech, OM_uint32 *flags, int *locally_initiated,
                              int *open) {
    (void)context;
    if (src_name) *src_name = NULL;
    if (targ_name) *targ_name = NULL;
    if (lifetime) *lifetime = 0;
    if (mech) *mech = NULL;
    if (flags) *flags = 0;
    if (locally_initiated) *locally_initiated = 0;
    if (open) *open = 0;
    return gss_unavailable(minor);
}

OM_uint32 gss_wrap(OM_uint32 *minor, void *context, int conf_req, OM_uint32 qop, const gss_buffer_desc *input,
                   int *conf_state, gss_buffer_desc *output) {
    (void)context; (void)conf_req; (void)qop; (void)input;
    if (conf_state) *conf_state = 0;
    if (output) { output->length = 0; output->value = NULL; }
    return gss_unavailable(minor);
}

OM_uint32 gss_unwrap(OM_uint32 *minor, void *context, const gss_buffer_desc *input, gss_buffer_desc *output,
                     int *conf_state, OM_uint32 *qop_state) {
    (void)context; (void)input;
    if (output) { output->length = 0; output->value = NULL; }
    if (conf_state) *conf_state = 0;
    if (qop_state) *qop_state = 0;
    return gss_unavailable(minor);
}

/* Nothing is ever allocated by this GSS-API, so releasing is a no-op. */
OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_desc *buffer) {
    if (buffer) { buffer->length = 0; buffer->value = NULL; }
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_release_name(OM_uint32 *minor, void **name) {
    if (name) *name = NULL;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

/* ---------- librtmp: RTMP_Alloc fails, so curl reports CURLE_OUT_OF_MEMORY at setup ---------- */

void *RTMP_Alloc(void) { return NULL; }
void RTMP_Free(void *r) { (void)r; }
void RTMP_Init(void *r) { (void)r; }
void RTMP_Close(void *r) { (void)r; }
int RTMP_SetupURL(void *r, char *url) { (void)r; (void)url; return 0; }
void RTMP_SetBufferMS(void *r, int size) { (void)r; (void)size; }
int RTMP_Connect1(void *r, void *packet) { (void)r; (void)packet; return 0; }
int RTMP_ConnectStream(void *r, int seek_time) { (void)r; (void)seek_time; return 0; }
int RTMP_Read(void *r, char *buf, int size) { (void)r; (void)buf; (void)size; return -1; }
int RTMP_Write(void *r, const char *buf, int size) { (void)r; (void)buf; (void)size; return -1; }

/* ---------- OpenLDAP: URL parsing and connecting fail, so curl reports an LDAP error ---------- */

#define LDAP_OTHER 0x50
#define LDAP_NOT_SUPPORTED (-12)
#define LDAP_URL_ERR_BADSCHEME 3

int ldap_url_parse(const char *url, void **ludpp) {
    (void)url;
    if (ludpp) *ludpp = NULL;
    return LDAP_URL_ERR_BADSCHEME;
}
void ldap_free_urldesc(void *ludp) { (void)ludp; }
int ldap_pvt_url_scheme2proto(const char *scheme) { (void)scheme; return -1; }
int ldap_init_fd(int fd, int proto, const char *url, void **ldp) {
    (void)fd; (void)proto; (void)url;
    if (ldp) *ldp = NULL;
    return LDAP_NOT_SUPPORTED;
}
char *ldap_err2string(int err) {
    (void)err;
    return (char *)"LDAP is not available in this static build of quartermaster";
}
int ldap_set_option(void *ld, int option, const void *invalue) { (void)ld; (void)option; (void)invalue; return -1; }
int ldap_get_option(void *ld, int option, void *outvalue) { (void)ld; (void)option; (void)outvalue; return -1; }
int ldap_start_tls(void *ld, void *sctrls, void *cctrls, int *msgidp) {
    (void)ld; (void)sctrls; (void)cctrls;
    if (msgidp) *msgidp = -1;
    return LDAP_NOT_SUPPORTED;
}
int ldap_sasl_bind(void *ld, const char *dn, const char *mechanism, void *cred, void *sctrls, void *cctrls,
                   int *msgidp) {
    (void)ld; (void)dn; (void)mechanism; (void)cred; (void)sctrls; (void)cctrls;
    if (msgidp) *msgidp = -1;
    return LDAP_NOT_SUPPORTED;
}
int ldap_search_ext(void *ld, const char *base, int scope, const char *filter, char **attrs, int attrsonly,
                    void *sctrls, void *cctrls, void *timeout, int sizelimit, int *msgidp) {
    (void)ld; (void)base; (void)scope; (void)filter; (void)attrs; (void)attrsonly; (void)sctrls; (void)cctrls;
    (void)timeout; (void)sizelimit;
    if (msgidp) *msgidp = -1;
    return LDAP_NOT_SUPPORTED;
}
int ldap_result(void *ld, int msgid, int all, void *timeout, void **result) {
    (void)ld; (void)msgid; (void)all; (void)timeout;
    if (result) *result = NULL;
    return -1;
}
int ldap_msgtype(void *msg) { (void)msg; return -1; }
int ldap_msgfree(void *msg) { (void)msg; return 0; }
int ldap_parse_result(void *ld, void *res, int *errcodep, char **matcheddnp, char **errmsgp, char ***referralsp,
                      void ***serverctrls, int freeit) {
    (void)ld; (void)res; (void)freeit;
    if (errcodep) *errcodep = LDAP_OTHER;
    if (matcheddnp) *matcheddnp = NULL;
    if (errmsgp) *errmsgp = NULL;
    if (referralsp) *referralsp = NULL;
    if (serverctrls) *serverctrls = NULL;
    return LDAP_NOT_SUPPORTED;
}
int ldap_parse_sasl_bind_result(void *ld, void *res, void **servercredp, int freeit) {
    (void)ld; (void)res; (void)freeit;
    if (servercredp) *servercredp = NULL;
    return LDAP_NOT_SUPPORTED;
}
int ldap_get_dn_ber(void *ld, void *entry, void **berout, void *dn) {
    (void)ld; (void)entry; (void)dn;
    if (berout) *berout = NULL;
    return LDAP_NOT_SUPPORTED;
}
int ldap_get_attribute_ber(void *ld, void *entry, void *ber, void *attr, void **vals) {
    (void)ld; (void)entry; (void)ber; (void)attr;
    if (vals) *vals = NULL;
    return LDAP_NOT_SUPPORTED;
}
int ldap_abandon_ext(void *ld, int msgid, void *sctrls, void *cctrls) {
    (void)ld; (void)msgid; (void)sctrls; (void)cctrls;
    return LDAP_NOT_SUPPORTED;
}
int ldap_unbind_ext(void *ld, void *sctrls, void *cctrls) { (void)ld; (void)sctrls; (void)cctrls; return 0; }
void ldap_memfree(void *p) { (void)p; }
void ber_memfree(void *p) { (void)p; }
void ber_memvfree(void **vec) { (void)vec; }
void ber_bvfree(void *bv) { (void)bv; }
void ber_free(void *ber, int freebuf) { (void)ber; (void)freebuf; }
int ber_sockbuf_add_io(void *sb, void *sbio, int layer, void *arg) {
    (void)sb; (void)sbio; (void)layer; (void)arg;
    return -1;
}
