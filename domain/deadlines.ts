/**
 * A need's deadline is a calendar day (YYYY-MM-DD, as posted). The need stays
 * open for the whole of that day, UTC: it expires only once the day is over,
 * and a deadline of today is still a valid one to post.
 */

/** The last instant of a deadline day, UTC, as an ISO-8601 string (compares with other ISO instants as text). */
export const deadlineEnd = (deadline: string): string => `${deadline}T23:59:59.999Z`;
