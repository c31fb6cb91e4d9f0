"""Who may do what to a user's own things, as named predicates."""

import rules


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


# An administrator may revoke anyone's token, as when a laptop is lost.
rules.add_perm("accounts.revoke_token", owns_token | rules.is_superuser)
