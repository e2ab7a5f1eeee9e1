# Compiler and linker flag probes for configure.ac, written here so the
# build needs nothing beyond autoconf, automake and pkg-config (no
# autoconf-archive).

# DF_CHECK_CFLAG(FLAG, VARIABLE)
# Appends FLAG to VARIABLE when the C compiler accepts it without any
# warning (-Werror during the probe, so a compiler that merely warns
# about an unknown option does not pass).
AC_DEFUN([DF_CHECK_CFLAG], [
	AS_VAR_PUSHDEF([df_cache], [df_cv_cflag_$1])
	AC_CACHE_CHECK([whether $CC accepts $1], [df_cache], [
		df_save_CFLAGS=$CFLAGS
		CFLAGS="$CFLAGS -Werror $1"
		AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[]], [[return 0;]])],
			[AS_VAR_SET([df_cache], [yes])],
			[AS_VAR_SET([df_cache], [no])])
		CFLAGS=$df_save_CFLAGS
	])
	AS_VAR_IF([df_cache], [yes], [$2="$$2 $1"])
	AS_VAR_POPDEF([df_cache])
])

# DF_CHECK_LINK_FLAGS(CFLAGS, LDFLAGS, VAR-CFLAGS, VAR-LDFLAGS)
# Appends CFLAGS to VAR-CFLAGS and LDFLAGS to VAR-LDFLAGS when a program
# compiled with the first and linked with both builds and links cleanly.
# Used for flags that need the linker's or a runtime library's
# cooperation (-pie, -fsanitize=..., -fstack-protector-strong).
AC_DEFUN([DF_CHECK_LINK_FLAGS], [
	AS_VAR_PUSHDEF([df_cache], [df_cv_ldflag_$1_$2])
	AC_CACHE_CHECK([whether $CC can link with $1 $2], [df_cache], [
		df_save_CFLAGS=$CFLAGS
		df_save_LDFLAGS=$LDFLAGS
		CFLAGS="$CFLAGS -Werror $1"
		LDFLAGS="$LDFLAGS $2"
		AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <string.h>]],
				[[char b[16]; strcpy(b, "x"); return (int)strlen(b) - 1;]])],
			[AS_VAR_SET([df_cache], [yes])],
			[AS_VAR_SET([df_cache], [no])])
		CFLAGS=$df_save_CFLAGS
		LDFLAGS=$df_save_LDFLAGS
	])
	AS_VAR_IF([df_cache], [yes], [
		$3="$$3 $1"
		$4="$$4 $2"
	])
	AS_VAR_POPDEF([df_cache])
])
