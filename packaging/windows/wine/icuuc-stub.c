/* TEST-ONLY stand-in for Windows 10's system icuuc.dll, for running Qt under Wine 8.
 *
 * NEVER SHIPPED: packaging/windows/check-under-wine.sh (and build-msi.sh, for
 * PyInstaller's Qt hooks) build it with x86_64-w64-mingw32-gcc and copy it into the
 * throwaway Wine prefix's system32; build-msi.sh refuses a bundle holding an icuuc.dll.
 * Real Windows 10/11 has the real one.
 *
 * Qt6Core.dll imports these 20 functions from the system icuuc.dll for QStringConverter's
 * optional ICU codecs; Wine 8 has no icuuc.dll, so Qt would not load at all. Here every
 * converter is "unavailable": ucnv_open fails with U_FILE_ACCESS_ERROR, so Qt falls
 * back to its built-in UTF-8/UTF-16/Latin-1 codecs (all the app uses). The rest are
 * never reached with a null converter and do nothing.
 */
#include <stdint.h>
#include <stddef.h>

typedef int UErrorCode;
typedef uint16_t UChar;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, UErrorCode *err) {
    (void)name;
    if (err) *err = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT void ucnv_close(void *cnv) { (void)cnv; }
EXPORT void ucnv_reset(void *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 1; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *err) {
    (void)cnv; if (err) *err = U_FILE_ACCESS_ERROR; return NULL;
}
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard,
                                        UErrorCode *err) {
    (void)name; (void)standard; if (err) *err = U_FILE_ACCESS_ERROR; return NULL;
}
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT void ucnv_toUnicode(void *cnv, UChar **t, const UChar *tl, const char **s,
                           const char *sl, int32_t *o, int8_t f, UErrorCode *err) {
    (void)cnv; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f;
    if (err) *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_fromUnicode(void *cnv, char **t, const char *tl, const UChar **s,
                             const UChar *sl, int32_t *o, int8_t f, UErrorCode *err) {
    (void)cnv; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f;
    if (err) *err = U_FILE_ACCESS_ERROR;
}
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *err) {
    (void)cnv; (void)err; return 0;
}
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *err) {
    (void)cnv; (void)err; return 0;
}
EXPORT void ucnv_setToUCallBack(void *cnv, void *a, const void *b, void *c, const void **d,
                                UErrorCode *err) {
    (void)cnv; (void)a; (void)b; (void)c; (void)d; (void)err;
}
EXPORT void ucnv_setFromUCallBack(void *cnv, void *a, const void *b, void *c, const void **d,
                                  UErrorCode *err) {
    (void)cnv; (void)a; (void)b; (void)c; (void)d; (void)err;
}
EXPORT void ucnv_getToUCallBack(const void *cnv, void *a, const void **b) {
    (void)cnv; (void)a; (void)b;
}
EXPORT void ucnv_getFromUCallBack(const void *cnv, void *a, const void **b) {
    (void)cnv; (void)a; (void)b;
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const UChar *s, int32_t l, int32_t o,
                                  UErrorCode *err) {
    (void)args; (void)s; (void)l; (void)o; (void)err;
}
EXPORT void ucnv_cbFromUWriteUChars(void *args, const UChar **s, const UChar *sl, int32_t o,
                                    UErrorCode *err) {
    (void)args; (void)s; (void)sl; (void)o; (void)err;
}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const char *b, int32_t l,
                                          int r, UErrorCode *err) {
    (void)c; (void)a; (void)b; (void)l; (void)r; (void)err;
}
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const UChar *b, int32_t l,
                                            int32_t cp, int r, UErrorCode *err) {
    (void)c; (void)a; (void)b; (void)l; (void)cp; (void)r; (void)err;
}
