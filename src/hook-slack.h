/*
 * Slack slash commands, verified with the signing secret (v0 HMAC-SHA256
 * over "v0:timestamp:body", five-minute window), answered in mrkdwn.
 */
#ifndef HOOK_SLACK_H
#define HOOK_SLACK_H

#include "hook.h"

extern const struct hook_platform hook_slack;

#endif
