/*
 * Mattermost outgoing webhooks and custom slash commands: a token in
 * the body or in "Authorization: Token", form or JSON bodies.
 */
#ifndef HOOK_MATTERMOST_H
#define HOOK_MATTERMOST_H

#include "hook.h"

extern const struct hook_platform hook_mattermost;

#endif
