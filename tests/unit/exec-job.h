/* exec-job.h — a command exec for tests of the audit of commands: it
 * makes a job for desktop vm1 and leaves it running (made_job), as a
 * command whose record the job ends later. Include after job.h and
 * cmd.h; static: a test uses it or not. */
#ifndef HVDECK_TEST_EXEC_JOB_H
#define HVDECK_TEST_EXEC_JOB_H

static unsigned made_job;

static inline int exec_job(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct job_target t = { .name = "vm1" };

	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	made_job = job_new(JK_START, &t, NULL, NULL);
	return 0;
}

#endif
