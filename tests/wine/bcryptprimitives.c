/* TEST ONLY, never shipped: a stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks.
 * Rust's std (1.78 and later) imports ProcessPrng from it for random numbers; Windows 10 and later
 * have it. This one forwards to BCryptGenRandom, which Wine has. scripts/wine-hosts.sh builds it next
 * to the test interpreters (the folder of the .exe, which Windows searches first); the module's
 * folders and the release zips never contain it (tests/e2e/dist_bundles.sh checks the zips). */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
