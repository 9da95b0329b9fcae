export DIB_GATEKIT_PACKAGES=${DIB_GATEKIT_PACKAGES:-"python3 sudo openssh-server ca-certificates"}
export DIB_GATEKIT_CA_BUNDLE=${DIB_GATEKIT_CA_BUNDLE:-}
export DIB_IMAGE_NAME=${DIB_IMAGE_NAME:-gatekit-worker}
