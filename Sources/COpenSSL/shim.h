#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
/* OpenSSL 3's TLS server API (libssl-dev, already installed for libcurl4-openssl-dev), for the
   admission webhook's HTTPS endpoint. Only what a TLS server over accepted sockets needs;
   macros wrapped in typed inline functions Swift can call. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* A TLS 1.2+ server context serving the PEM certificate (leaf first, then any chain) with the
   PEM private key; NULL on any error (read it with qm_tls_last_error). */
static inline SSL_CTX *qm_tls_server_context(const char *cert, int certLen, const char *key, int keyLen) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
    BIO *cb = BIO_new_mem_buf(cert, certLen);
    if (cb == NULL) { SSL_CTX_free(ctx); return NULL; }
    X509 *leaf = PEM_read_bio_X509(cb, NULL, NULL, NULL);
    int ok = leaf != NULL && SSL_CTX_use_certificate(ctx, leaf) == 1;
    if (leaf != NULL) X509_free(leaf);
    while (ok) {
        X509 *extra = PEM_read_bio_X509(cb, NULL, NULL, NULL);
        if (extra == NULL) { ERR_clear_error(); break; }
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) { X509_free(extra); ok = 0; }
    }
    BIO_free(cb);
    if (!ok) { SSL_CTX_free(ctx); return NULL; }
    BIO *kb = BIO_new_mem_buf(key, keyLen);
    if (kb == NULL) { SSL_CTX_free(ctx); return NULL; }
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL);
    BIO_free(kb);
    ok = pkey != NULL && SSL_CTX_use_PrivateKey(ctx, pkey) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    if (pkey != NULL) EVP_PKEY_free(pkey);
    if (!ok) { SSL_CTX_free(ctx); return NULL; }
    return ctx;
}

/* The oldest queued OpenSSL error as text (empties the queue); "" when none. */
static inline void qm_tls_last_error(char *buf, size_t len) {
    unsigned long e = ERR_get_error();
    if (len == 0) return;
    buf[0] = 0;
    if (e != 0) ERR_error_string_n(e, buf, len);
    ERR_clear_error();
}
#endif
