/* names.h — the rules for the names hvdeck creates (volumes, desktops,
 * templates) and the brace patterns that make a batch of them.
 *
 * A name is non-empty, at most NAMES_MAX_LEN bytes, does not start with
 * '.', and has only A-Z a-z 0-9 '.' '_' '-': so never '/', never a path
 * outside its pool, never a hidden file, never a character that looks
 * like another on a terminal. Each rule has its own message; a bad
 * character is named in its visible form (text_visible), with its byte
 * offset.
 *
 * Brace pattern: at most ONE group "{A..B}" of decimal numbers, e.g.
 * "class-a-{01..20}.qcow2" gives class-a-01.qcow2 ... class-a-20.qcow2.
 *   - Zero-padding is as written: when an end is written with a leading
 *     zero ("01", "007"), every number is padded to the wider end's
 *     width; otherwise not ({1..3} -> 1 2 3, {8..12} -> 8 ... 12).
 *   - A descending range ({3..1}) counts down: 3 2 1. Written order is
 *     the order of creation, as the shell would expand it.
 *   - One group only: a second group is refused rather than multiplied
 *     out (a cartesian product is rarely meant and easily explodes).
 *   - Anything else with '{' or '}' ({a,b}, {1..}, unbalanced) is refused
 *     with a message about the braces, not about a bad character.
 *   - At most NAMES_MAX_COUNT names; more is refused before allocating.
 * A pattern without braces is one name. Every expanded name must pass
 * names_check. */
#ifndef HVDECK_NAMES_H
#define HVDECK_NAMES_H

#include <stddef.h>

#define NAMES_MAX_LEN   200     /* bytes */
#define NAMES_MAX_COUNT 1000    /* names one pattern may make */

/* 0 when name follows the rules above, else -1 with *cause (caller
 * frees): "name is empty", "name is 300 bytes long: at most 200",
 * "name \"../x\" has '/' at byte 3: only A-Z a-z 0-9 . _ - are allowed",
 * "name \".x\" starts with '.'". name NULL counts as empty. */
int names_check(const char *name, char **cause);

/* A desktop's name: names_check, and not all digits ("1" is also
 * libvirt's id of a running domain in virsh): "name \"1\" is all digits:
 * virsh would take it for a domain id". 0, or -1 with *cause. */
int names_check_desktop(const char *name, char **cause);

/* A host's name, a word every command and the `:` line take as it is
 * (Tab inserts it unquoted): A-Z a-z 0-9 . _ - : [ ] (a URI's host and
 * port), not starting with '.' or '-', at most NAMES_MAX_LEN bytes; the
 * messages say "host name". 0, or -1 with *cause (caller frees). */
int names_check_host(const char *name, char **cause);

/* Expand a brace pattern (see above). Returns 0 with *names (caller frees
 * with names_free) holding *n >= 1 names, each checked with names_check,
 * in creation order; or -1 with *cause (caller frees), *names NULL and *n
 * 0. */
int names_expand(const char *pattern, char ***names, size_t *n, char **cause);

/* Free what names_expand made. NULL is fine. */
void names_free(char **names, size_t n);

/* The --count check: count is the option's text (NULL when not given:
 * always fine). 0 when it is a decimal number equal to n; -1 with *cause
 * (caller frees) when it is not a number ("--count: 'x' is not a
 * number") or differs ("--count 5, but class-a-{01..20}.qcow2 makes 20
 * names"). pattern is only for the message. */
int names_check_count(const char *pattern, size_t n, const char *count,
    char **cause);

#endif
