/* corr_time.c - timestamps (see corr_time.h). */
#include "corr_time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1000000LL

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (eras of 400 years, March-based years so leap days come last). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* n digits at s[*i] as a number; false when they are not all digits. */
static bool digits(const char *s, size_t len, size_t *i, unsigned n, unsigned *out)
{
    if (*i + n > len)
        return false;
    unsigned v = 0;
    for (unsigned k = 0; k < n; k++) {
        char c = s[*i + k];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (unsigned)(c - '0');
    }
    *i += n;
    *out = v;
    return true;
}

size_t sg_time_parse_iso(const char *s, size_t n, int64_t *us)
{
    size_t i = 0;
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    if (!digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || !digits(s, n, &i, 2, &mo) ||
        i >= n || s[i++] != '-' || !digits(s, n, &i, 2, &d))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    int64_t frac = 0;
    int64_t off = 0; /* seconds east of UTC */
    if (i + 1 < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
        size_t j = i + 1;
        if (!digits(s, n, &j, 2, &h) || j >= n || s[j++] != ':' || !digits(s, n, &j, 2, &mi))
            return 0;
        if (j < n && s[j] == ':') {
            j++;
            if (!digits(s, n, &j, 2, &sec))
                return 0;
            if (j < n && (s[j] == '.' || s[j] == ',') && j + 1 < n && s[j + 1] >= '0' &&
                s[j + 1] <= '9') {
                j++;
                int64_t scale = 100000;
                while (j < n && s[j] >= '0' && s[j] <= '9') {
                    frac += (s[j] - '0') * scale; /* digits past microseconds drop */
                    scale /= 10;
                    j++;
                }
            }
        }
        if (h > 24 || mi > 59 || sec > 60)
            return 0;
        if (j < n && (s[j] == 'Z' || s[j] == 'z')) {
            j++;
        } else if (j < n && (s[j] == '+' || s[j] == '-')) {
            int sign = s[j] == '-' ? -1 : 1;
            size_t k = j + 1;
            unsigned oh, om = 0;
            if (digits(s, n, &k, 2, &oh)) {
                if (k < n && s[k] == ':')
                    k++;
                size_t k2 = k;
                if (digits(s, n, &k2, 2, &om))
                    k = k2;
                else if (s[k - 1] == ':')
                    k--; /* "+01:" is not a zone: stop before the colon */
                off = sign * (int64_t)(oh * 3600 + om * 60);
                j = k;
            }
        }
        i = j;
    }
    int64_t days = days_from_civil((int64_t)y, mo, d);
    int64_t t = days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + (int64_t)sec - off;
    *us = t * US + frac;
    return i;
}

static bool from_number(double v, int64_t *us)
{
    if (!isfinite(v))
        return false;
    double a = v < 0 ? -v : v;
    double scale = a >= 1e14 ? 1.0 : a >= 1e11 ? 1e3 : 1e6;
    double r = v * scale;
    if (r > 4.6e18 || r < -4.6e18) /* room for window arithmetic */
        return false;
    *us = (int64_t)(r < 0 ? r - 0.5 : r + 0.5); /* nearest (no libm) */
    return true;
}

bool sg_time_from_value(const sigma_value *v, int64_t *us)
{
    switch (v->type) {
    case SIGMA_V_INT:
        return from_number((double)v->i, us);
    case SIGMA_V_FLOAT:
        return from_number(v->f, us);
    case SIGMA_V_STRING: {
        const char *s = v->str;
        size_t n = v->len;
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (!n)
            return false;
        size_t k = sg_time_parse_iso(s, n, us);
        if (k == n)
            return true;
        /* a number as text */
        char buf[64];
        if (n >= sizeof buf)
            return false;
        memcpy(buf, s, n);
        buf[n] = '\0';
        char *end;
        double d = strtod(buf, &end);
        return end != buf && *end == '\0' && from_number(d, us);
    }
    default:
        return false;
    }
}

size_t sg_time_format(int64_t us, char *buf, size_t cap)
{
    int64_t secs = us >= 0 ? us / US : -((-us + US - 1) / US);
    int64_t frac = us - secs * US;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int n;
    if (frac)
        n = snprintf(buf, cap, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (long long)frac);
    else
        n = snprintf(buf, cap, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
