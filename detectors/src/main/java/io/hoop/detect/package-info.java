/**
 * Content detectors shared by the engines: built-ins, validators (Luhn, mod-97, US SSN) and
 * operator-configured patterns compiled with RE2/J. No dependency on any engine.
 */
package io.hoop.detect;
