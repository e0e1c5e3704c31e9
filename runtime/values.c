/* values.c - numbers, addresses and timestamps in event values. */
#include "values.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool sg_parse_number(const char *s, size_t n, bool *is_int, int64_t *i, double *f)
{
    char buf[64];
    size_t k = 0;
    if (n == 0 || n >= sizeof buf)
        return false;
    if (s[k] == '-' || s[k] == '+')
        k++;
    size_t d0 = k;
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    if (k == d0)
        return false;
    bool integral = true;
    if (k < n && s[k] == '.') {
        k++;
        size_t f0 = k;
        while (k < n && s[k] >= '0' && s[k] <= '9')
            k++;
        if (k == f0)
            return false;
        integral = false;
    }
    if (k < n && (s[k] == 'e' || s[k] == 'E')) {
        k++;
        if (k < n && (s[k] == '-' || s[k] == '+'))
            k++;
        size_t e0 = k;
        while (k < n && s[k] >= '0' && s[k] <= '9')
            k++;
        if (k == e0)
            return false;
        integral = false;
    }
    if (k != n)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *f = strtod(buf, NULL);
    *is_int = false;
    if (integral) {
        char *end;
        errno = 0;
        long long v = strtoll(buf, &end, 10);
        if (errno != ERANGE) {
            *is_int = true;
            *i = v;
        }
    } else if (*f == floor(*f) && fabs(*f) < 9.0e15) {
        *is_int = true;
        *i = (int64_t)*f;
    }
    return true;
}

bool sg_parse_ip(const char *s, size_t n, int *family, uint8_t addr[16])
{
    char buf[INET6_ADDRSTRLEN + 1];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (memchr(buf, ':', n)) {
        *family = 6;
        return inet_pton(AF_INET6, buf, addr) == 1;
    }
    *family = 4;
    return inet_pton(AF_INET, buf, addr) == 1;
}

static int digits(const char *s, size_t n, size_t *k, int count)
{
    int v = 0;
    for (int j = 0; j < count; j++, (*k)++) {
        if (*k >= n || s[*k] < '0' || s[*k] > '9')
            return -1;
        v = v * 10 + (s[*k] - '0');
    }
    return v;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sg_time_from_epoch(int64_t secs, sg_time *t)
{
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    t->hour = (int)(rem / 3600);
    t->minute = (int)(rem % 3600 / 60);
    t->second = (int)(rem % 60);
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    t->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    t->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    t->year = (int)(yoe + era * 400 + (t->month <= 2));
}

bool sg_parse_time(const char *s, size_t n, sg_time *t)
{
    size_t k = 0;
    memset(t, 0, sizeof *t);
    t->year = digits(s, n, &k, 4);
    if (t->year < 0 || k >= n || s[k++] != '-')
        return false;
    t->month = digits(s, n, &k, 2);
    if (t->month < 1 || t->month > 12 || k >= n || s[k++] != '-')
        return false;
    t->day = digits(s, n, &k, 2);
    if (t->day < 1 || t->day > 31)
        return false;
    if (k == n)
        return true;
    if (s[k] != 'T' && s[k] != 't' && s[k] != ' ')
        return false;
    k++;
    t->hour = digits(s, n, &k, 2);
    if (t->hour < 0 || t->hour > 23 || k >= n || s[k++] != ':')
        return false;
    t->minute = digits(s, n, &k, 2);
    if (t->minute < 0 || t->minute > 59)
        return false;
    if (k < n && s[k] == ':') {
        k++;
        t->second = digits(s, n, &k, 2);
        if (t->second < 0 || t->second > 60)
            return false;
        if (k < n && (s[k] == '.' || s[k] == ',')) {
            k++;
            while (k < n && s[k] >= '0' && s[k] <= '9')
                k++;
        }
    }
    if (k == n)
        return true;
    int sign = 0;
    if (s[k] == 'Z' || s[k] == 'z') {
        k++;
    } else if (s[k] == '+' || s[k] == '-') {
        sign = s[k++] == '+' ? 1 : -1;
        int oh = digits(s, n, &k, 2);
        if (oh < 0)
            return false;
        if (k < n && s[k] == ':')
            k++;
        int om = k < n ? digits(s, n, &k, 2) : 0;
        if (om < 0 || oh > 23 || om > 59)
            return false;
        int64_t secs = days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
                       t->minute * 60 + t->second - sign * (oh * 3600 + om * 60);
        int sec = t->second;
        sg_time_from_epoch(secs, t);
        t->second = sec; /* a leap second stays as written */
    }
    return k == n;
}

int sg_iso_week(const sg_time *t)
{
    int64_t days = days_from_civil(t->year, t->month, t->day);
    int wday = (int)(((days % 7) + 7 + 3) % 7); /* Monday = 0 (1970-01-01 was a Thursday) */
    int64_t thursday = days - wday + 3;        /* the Thursday of this ISO week */
    sg_time th;
    sg_time_from_epoch(thursday * 86400, &th);
    int64_t jan1 = days_from_civil(th.year, 1, 1);
    return (int)((thursday - jan1) / 7 + 1);
}
