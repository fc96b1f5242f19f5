# Sourced by scripts/run and scripts/test: Debian packages that are missing, installed with apt-get.
# What Jinwei itself needs: the CJK fonts and Pango that WeasyPrint uses for the printable PDF forms.
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk fontconfig)
{ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)

install_missing() {
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
