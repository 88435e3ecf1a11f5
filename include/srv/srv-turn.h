/* srv-turn.h — an attached console's commands reach its server in the
 * order they were typed. Each request takes a ticket when the console
 * sends it (on the UI thread) and its thread waits for its turn before it
 * connects; the turn passes on as soon as the server has answered the
 * request at all (a line, a question, a job followed or forgotten) or the
 * request ended. So a command that starts a long job (template from)
 * holds the next one back only until it has started, and a `volume
 * delete` typed after a `derive` runs after the derive has claimed its
 * volumes. */
#ifndef HVDECK_SRV_TURN_H
#define HVDECK_SRV_TURN_H

/* The next ticket, in the order of the calls. */
unsigned srv_turn_take(void);
/* Wait (this thread) until it is ticket's turn; this thread holds it. */
void srv_turn_wait(unsigned ticket);
/* This thread's turn passes on (no-op when it holds none). */
void srv_turn_give(void);
/* A ticket whose request never runs (its thread could not start). */
void srv_turn_abandon(unsigned ticket);

#endif
