/*
 * Microsoft Teams outgoing webhooks: a Bot Framework activity signed with
 * HMAC-SHA256 under the base64 security token ("Authorization: HMAC").
 */
#ifndef HOOK_TEAMS_H
#define HOOK_TEAMS_H

#include "hook.h"

extern const struct hook_platform hook_teams;

#endif
